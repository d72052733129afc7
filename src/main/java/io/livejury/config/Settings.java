package io.livejury.config;

import io.livejury.detect.DetectLimits;
import io.livejury.escalation.QueuePolicy;
import io.livejury.gateway.SocketPolicy;
import io.livejury.gateway.TrustedProxies;
import io.livejury.common.ReplicaAcks;
import io.livejury.jury.FlagRules;
import io.livejury.jury.JuryPolicy;
import io.livejury.jury.ReputationRule;
import io.livejury.semantic.SemanticSettings;
import io.livejury.teach.TeachSettings;
import io.livejury.verdict.VerdictRule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Everything LiveJury reads from its environment. Defaults live in {@code livejury-defaults.properties};
 * an environment variable of the same name overrides each one.
 */
public record Settings(
    String httpHost,
    int httpPort,
    int gatewayInstances,
    String redisUrl,
    boolean redisCluster,
    String pgUrl,
    String jwtSecret,
    boolean devMode,
    int tokenHours,
    int tokenMaxHours,
    int tokenClockSkewSeconds,
    int maxFrameBytes,
    int hardFrameBytes,
    int maxBodyBytes,
    int socketBurst,
    int socketRate,
    int promptSeconds,
    int promptMinSeconds,
    int promptMaxSeconds,
    int roomMaxOpenPrompts,
    long promptRetentionMs,
    long tallyIntervalMs,
    int tallyFramesPerSecond,
    int tallyHoldBallots,
    long tallyMaxHoldMs,
    long roomEventsMaxLength,
    long roomEventsExpiryMs,
    int roomEventsCatchUpBatch,
    long subscriberCheckMs,
    long subscriberCheckTimeoutMs,
    long subscriberReconnectMs,
    long closerIntervalMs,
    long closerIdleMs,
    long closerLeaseMs,
    int closerBatch,
    long verdictStreamMaxLength,
    int verdictStreamShards,
    int penaltyBatch,
    long penaltyBlockMs,
    long penaltyReclaimIdleMs,
    long penaltyReclaimEveryMs,
    long penaltyExpireEveryMs,
    int outboxRetryHours,
    int roomsPerStreamer,
    VerdictRule verdictRule,
    int transcriptMaxSegments,
    int transcriptMaxTextChars,
    int transcriptMaxBytes,
    int transcriptMaxSegmentId,
    long transcriptMaxTimeMs,
    int warningRepeatSeconds,
    int autoPromptCooldownMinutes,
    Set<String> autoPromptCategories,
    String lexiconPath,
    long lexiconReloadMs,
    String evasionsPath,
    int detectWindowSeconds,
    int reportCooldownSeconds,
    int reportThreshold,
    int reportWindowSeconds,
    int reportTextsKept,
    int redisPoolSize,
    int redisPoolWaiting,
    int redisPipeline,
    int redisReadIdleMs,
    ReplicaAcks redisAcks,
    int pgPoolSize,
    SocketPolicy socketPolicy,
    Integer adminPort,
    String adminHost,
    EmbeddedServers.Options embedded,
    JuryPolicy jury,
    FlagRules flags,
    ReputationRule reputation,
    QueuePolicy queue,
    SemanticSettings semantic,
    TeachSettings teach,
    DetectLimits detectLimits) {

  /** Reads settings by name, for the records of other packages that build themselves from configuration. */
  public interface Reader {
    int integer(String key);

    int positive(String key);

    double decimal(String key);

    boolean bool(String key);

    /** Null when the setting is empty, else a whole number of at least 1. */
    Integer optionalPositive(String key);

    /** The setting as written, trimmed ({@code ""} when empty). */
    String text(String key);
    /** Null when the setting is empty, else its value, trimmed. */
    String optionalText(String key);
  }

  public static final String DEV_JWT_SECRET = "livejury-dev-secret-change-me-in-production";

  /** HS256 wants a key at least as long as its 256-bit hash; shorter ones are open to brute force. */
  public static final int MIN_SECRET_BYTES = 32;

  /**
   * Verdict streams on a Redis Cluster unless {@code LIVEJURY_VERDICT_STREAM_SHARDS} says otherwise: one per master
   * of the smallest cluster {@code scripts/cluster} starts (three masters).
   */
  public static final int CLUSTER_VERDICT_STREAM_SHARDS = 3;

  /** Where a dev node listens unless {@code LIVEJURY_HTTP_HOST} is set. */
  public static final String LOOPBACK = "127.0.0.1";

  /** Reads the defaults resource, then the environment on top of it. */
  public static Settings load(Map<String, String> env) {
    Properties p = defaults();
    env.forEach((k, v) -> {
      if (k.startsWith("LIVEJURY_") && v != null && !v.isBlank()) {
        p.setProperty(k, v.trim());
      }
    });
    int gateways = integer(p, "LIVEJURY_GATEWAY_INSTANCES");
    boolean cluster = reader(p).bool("LIVEJURY_REDIS_CLUSTER");
    int streamShards = integer(p, "LIVEJURY_VERDICT_STREAM_SHARDS");
    if (streamShards < 0) {
      throw new IllegalArgumentException("LIVEJURY_VERDICT_STREAM_SHARDS must be 0 (automatic) or more, got "
          + streamShards);
    }
    boolean dev = Boolean.parseBoolean(p.getProperty("LIVEJURY_DEV"));
    int tokenHours = positive(p, "LIVEJURY_TOKEN_HOURS");
    int tokenMaxHours = positive(p, "LIVEJURY_TOKEN_MAX_HOURS");
    if (tokenHours > tokenMaxHours) {
      throw new IllegalArgumentException("LIVEJURY_TOKEN_HOURS (" + tokenHours
          + ") must not exceed LIVEJURY_TOKEN_MAX_HOURS (" + tokenMaxHours + "): the node would refuse its own tokens");
    }
    // POST /api/dev/token mints staff tokens for anyone who asks: a dev node answers only its own machine
    // unless someone chose an address on purpose.
    String explicitHost = env.get("LIVEJURY_HTTP_HOST");
    String host = dev && (explicitHost == null || explicitHost.isBlank())
        ? LOOPBACK : p.getProperty("LIVEJURY_HTTP_HOST");
    return new Settings(
        host,
        integer(p, "LIVEJURY_HTTP_PORT"),
        gateways > 0 ? gateways : Runtime.getRuntime().availableProcessors(),
        p.getProperty("LIVEJURY_REDIS_URL"),
        cluster,
        p.getProperty("LIVEJURY_PG_URL"),
        p.getProperty("LIVEJURY_JWT_SECRET", DEV_JWT_SECRET),
        dev,
        tokenHours,
        tokenMaxHours,
        integer(p, "LIVEJURY_TOKEN_CLOCK_SKEW_SECONDS"),
        integer(p, "LIVEJURY_MAX_FRAME_BYTES"),
        integer(p, "LIVEJURY_HARD_FRAME_BYTES"),
        integer(p, "LIVEJURY_MAX_BODY_BYTES"),
        integer(p, "LIVEJURY_SOCKET_BURST"),
        integer(p, "LIVEJURY_SOCKET_RATE"),
        integer(p, "LIVEJURY_PROMPT_SECONDS"),
        integer(p, "LIVEJURY_PROMPT_MIN_SECONDS"),
        integer(p, "LIVEJURY_PROMPT_MAX_SECONDS"),
        positive(p, "LIVEJURY_ROOM_MAX_OPEN_PROMPTS"),
        integer(p, "LIVEJURY_PROMPT_RETENTION_HOURS") * 3_600_000L,
        positive(p, "LIVEJURY_TALLY_INTERVAL_MS"),
        positive(p, "LIVEJURY_TALLY_FRAMES_PER_SECOND"),
        positive(p, "LIVEJURY_TALLY_HOLD_BALLOTS"),
        positiveLong(p, "LIVEJURY_TALLY_MAX_HOLD_MS"),
        positive(p, "LIVEJURY_ROOM_EVENTS_MAXLEN"),
        positive(p, "LIVEJURY_ROOM_EVENTS_EXPIRY_HOURS") * 3_600_000L,
        positive(p, "LIVEJURY_ROOM_EVENTS_CATCH_UP_BATCH"),
        positive(p, "LIVEJURY_SUBSCRIBER_CHECK_MS"),
        positive(p, "LIVEJURY_SUBSCRIBER_CHECK_TIMEOUT_MS"),
        positive(p, "LIVEJURY_SUBSCRIBER_RECONNECT_MS"),
        positive(p, "LIVEJURY_CLOSER_INTERVAL_MS"),
        positive(p, "LIVEJURY_CLOSER_IDLE_MS"),
        integer(p, "LIVEJURY_CLOSER_LEASE_MS"),
        integer(p, "LIVEJURY_CLOSER_BATCH"),
        integer(p, "LIVEJURY_VERDICT_STREAM_MAXLEN"),
        streamShards > 0 ? streamShards : cluster ? CLUSTER_VERDICT_STREAM_SHARDS : 1,
        integer(p, "LIVEJURY_PENALTY_BATCH"),
        integer(p, "LIVEJURY_PENALTY_BLOCK_MS"),
        integer(p, "LIVEJURY_PENALTY_RECLAIM_IDLE_MS"),
        integer(p, "LIVEJURY_PENALTY_RECLAIM_EVERY_MS"),
        integer(p, "LIVEJURY_PENALTY_EXPIRE_EVERY_MS"),
        positive(p, "LIVEJURY_OUTBOX_RETRY_HOURS"),
        positive(p, "LIVEJURY_ROOMS_PER_STREAMER"),
        new VerdictRule(
            integer(p, "LIVEJURY_VERDICT_QUORUM"),
            decimal(p, "LIVEJURY_VERDICT_Z"),
            decimal(p, "LIVEJURY_VERDICT_CONDEMN_LOWER"),
            decimal(p, "LIVEJURY_VERDICT_CLEAR_UPPER")),
        integer(p, "LIVEJURY_TRANSCRIPT_MAX_SEGMENTS"),
        integer(p, "LIVEJURY_TRANSCRIPT_MAX_TEXT"),
        integer(p, "LIVEJURY_TRANSCRIPT_MAX_BYTES"),
        positive(p, "LIVEJURY_TRANSCRIPT_MAX_SEGMENT_ID"),
        positiveLong(p, "LIVEJURY_TRANSCRIPT_MAX_TIME_MS"),
        integer(p, "LIVEJURY_WARNING_REPEAT_SECONDS"),
        integer(p, "LIVEJURY_AUTO_PROMPT_COOLDOWN_MINUTES"),
        Set.of(p.getProperty("LIVEJURY_AUTO_PROMPT_CATEGORIES").split("\\s*,\\s*")),
        p.getProperty("LIVEJURY_LEXICON_PATH"),
        integer(p, "LIVEJURY_LEXICON_RELOAD_MS"),
        p.getProperty("LIVEJURY_EVASIONS_PATH"),
        integer(p, "LIVEJURY_DETECT_WINDOW_SECONDS"),
        integer(p, "LIVEJURY_REPORT_COOLDOWN_SECONDS"),
        integer(p, "LIVEJURY_REPORT_THRESHOLD"),
        integer(p, "LIVEJURY_REPORT_WINDOW_SECONDS"),
        integer(p, "LIVEJURY_REPORT_TEXTS_KEPT"),
        integer(p, "LIVEJURY_REDIS_POOL"),
        integer(p, "LIVEJURY_REDIS_POOL_WAITING"),
        integer(p, "LIVEJURY_REDIS_PIPELINE"),
        positive(p, "LIVEJURY_REDIS_READ_IDLE_MS"),
        ReplicaAcks.from(reader(p)),
        integer(p, "LIVEJURY_PG_POOL"),
        new SocketPolicy(
            positive(p, "LIVEJURY_SOCKET_BACKLOG_BYTES"),
            positive(p, "LIVEJURY_SOCKET_STUCK_SECONDS"),
            positive(p, "LIVEJURY_SOCKET_SEND_BUFFER_BYTES"),
            positive(p, "LIVEJURY_SOCKET_PING_SECONDS"),
            positive(p, "LIVEJURY_SOCKET_IDLE_SECONDS"),
            positive(p, "LIVEJURY_SOCKETS_PER_USER"),
            positive(p, "LIVEJURY_HANDSHAKE_TIMEOUT_SECONDS"),
            positive(p, "LIVEJURY_HTTP_IDLE_SECONDS"),
            positive(p, "LIVEJURY_HTTP_BODY_SECONDS"),
            list(p, "LIVEJURY_ALLOWED_ORIGINS"),
            TrustedProxies.parse("LIVEJURY_TRUSTED_PROXIES", list(p, "LIVEJURY_TRUSTED_PROXIES"))),
        p.getProperty("LIVEJURY_ADMIN_PORT", "").isBlank() ? null : port(p, "LIVEJURY_ADMIN_PORT"),
        p.getProperty("LIVEJURY_ADMIN_HOST"),
        new EmbeddedServers.Options(
            Path.of(p.getProperty("LIVEJURY_DATA_DIR")),
            false,
            positive(p, "LIVEJURY_EMBEDDED_START_WAIT_MS"),
            positive(p, "LIVEJURY_EMBEDDED_STOP_WAIT_MS"),
            positive(p, "LIVEJURY_EMBEDDED_REDIS_RESTART_MS"),
            positive(p, "LIVEJURY_EMBEDDED_REDIS_MAXCLIENTS"),
            positive(p, "LIVEJURY_EMBEDDED_PG_MAX_CONNECTIONS")),
        JuryPolicy.from(reader(p)),
        FlagRules.from(reader(p)),
        ReputationRule.from(reader(p)),
        QueuePolicy.from(reader(p)),
        SemanticSettings.from(reader(p)),
        TeachSettings.from(reader(p)),
        DetectLimits.from(reader(p)));
  }

  private static Reader reader(Properties p) {
    return new Reader() {
      @Override
      public int integer(String key) {
        return Settings.integer(p, key);
      }

      @Override
      public int positive(String key) {
        return Settings.positive(p, key);
      }

      @Override
      public double decimal(String key) {
        return Settings.decimal(p, key);
      }

      @Override
      public boolean bool(String key) {
        String value = p.getProperty(key, "").trim();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
          throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
      }

      @Override
      public String text(String key) {
        return p.getProperty(key, "").trim();
      }

      @Override
      public Integer optionalPositive(String key) {
        return p.getProperty(key, "").isBlank() ? null : Settings.positive(p, key);
      }

      @Override
      public String optionalText(String key) {
        String value = p.getProperty(key, "").trim();
        return value.isEmpty() ? null : value;
      }
    };
  }

  /** True when /metrics has a port of its own and stays off the public one. */
  public boolean hasAdminPort() {
    return adminPort != null;
  }

  public boolean usesDevSecret() {
    return DEV_JWT_SECRET.equals(jwtSecret);
  }

  /**
   * Why the signing secret is not fit for this node, if it is not: outside dev mode it must be set, differ
   * from the public development secret and be at least {@link #MIN_SECRET_BYTES} bytes (UTF-8). In dev mode
   * every secret is accepted (the launcher warns about the development one).
   *
   * @return the reason, one line naming the variable, or empty when the secret may be used
   */
  public Optional<String> secretProblem() {
    if (devMode) {
      return Optional.empty();
    }
    if (usesDevSecret()) {
      return Optional.of("LIVEJURY_JWT_SECRET is unset or the public development secret, and LIVEJURY_DEV is off:"
          + " anyone could sign staff tokens. Set LIVEJURY_JWT_SECRET to a random secret of at least "
          + MIN_SECRET_BYTES + " bytes (e.g. openssl rand -base64 48)");
    }
    int bytes = jwtSecret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < MIN_SECRET_BYTES) {
      return Optional.of("LIVEJURY_JWT_SECRET is " + bytes + " bytes long; outside dev mode it must be at least "
          + MIN_SECRET_BYTES + " bytes (e.g. openssl rand -base64 48)");
    }
    return Optional.empty();
  }

  /**
   * Why the Redis settings cannot run, if they cannot: a cluster needs its seed list (the embedded Redis is one
   * server), and a connection may not be given up as hung sooner than the verdict consumer's blocking read returns.
   *
   * @return the reason, one line naming the variables, or empty when the settings may be used
   */
  public Optional<String> redisProblem() {
    if (redisReadIdleMs <= penaltyBlockMs) {
      return Optional.of("LIVEJURY_REDIS_READ_IDLE_MS=" + redisReadIdleMs + " must exceed LIVEJURY_PENALTY_BLOCK_MS="
          + penaltyBlockMs + ": the verdict consumer's blocking read is silent that long by design");
    }
    if (!redisCluster) {
      return Optional.empty();
    }
    if (redisUrl == null || redisUrl.isBlank()) {
      return Optional.of("LIVEJURY_REDIS_CLUSTER=true needs LIVEJURY_REDIS_URL: a comma-separated seed list of the"
          + " cluster's servers (redis://host:port,redis://host:port); the embedded Redis is a single server");
    }
    return Optional.empty();
  }

  /**
   * The Redis endpoints: {@code LIVEJURY_REDIS_URL} as one URL, or on a cluster its comma-separated seed list (any
   * few of the cluster's servers; the rest are learnt from them).
   */
  public List<String> redisEndpoints() {
    return redisCluster ? List.of(redisUrl.trim().split("\\s*,\\s*")) : List.of(redisUrl);
  }

  /**
   * Fails when this node must not start with these settings: an unfit signing secret ({@link #secretProblem()}), or
   * Redis settings that cannot run ({@link #redisProblem()}).
   *
   * @throws IllegalStateException with a one-line message naming the variable to fix
   */
  public Settings requireStartable() {
    secretProblem().or(this::redisProblem).ifPresent(problem -> {
      throw new IllegalStateException(problem);
    });
    return this;
  }

  private static Properties defaults() {
    Properties p = new Properties();
    try (InputStream in = Settings.class.getResourceAsStream("/livejury-defaults.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private static int integer(Properties p, String key) {
    try {
      return Integer.parseInt(p.getProperty(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + p.getProperty(key) + "'");
    }
  }

  /** A comma-separated setting; empty means an empty set. */
  private static Set<String> list(Properties p, String key) {
    String value = p.getProperty(key, "").trim();
    return value.isEmpty() ? Set.of() : Set.of(value.split("\\s*,\\s*"));
  }

  private static int port(Properties p, String key) {
    int value = integer(p, key);
    if (value < 0 || value > 65_535) {
      throw new IllegalArgumentException(key + " must be a port from 0 to 65535, got " + value);
    }
    return value;
  }

  private static long positiveLong(Properties p, String key) {
    long value;
    try {
      value = Long.parseLong(p.getProperty(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + p.getProperty(key) + "'");
    }
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  private static int positive(Properties p, String key) {
    int value = integer(p, key);
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  private static double decimal(Properties p, String key) {
    try {
      return Double.parseDouble(p.getProperty(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + p.getProperty(key) + "'");
    }
  }
}
