package io.livejury;

import io.livejury.common.Addresses;
import io.livejury.common.ChannelSubscriber;
import io.livejury.common.Ids;
import io.livejury.common.LuaScript;
import io.livejury.common.PipelinedRedis;
import io.livejury.common.ReplicatedWrites;
import io.livejury.common.ShardLanes;
import io.livejury.common.ShardedSubscriber;
import io.livejury.config.EmbeddedServers;
import io.livejury.config.Migrations;
import io.livejury.config.Settings;
import io.livejury.detect.DetectVerticle;
import io.livejury.detect.Detector;
import io.livejury.detect.Lexicon;
import io.livejury.detect.Lexicons;
import io.livejury.detect.Normaliser;
import io.livejury.detect.ReportService;
import io.livejury.detect.TranscriptService;
import io.livejury.escalation.Escalation;
import io.livejury.escalation.ReviewQueue;
import io.livejury.escalation.RoomStops;
import io.livejury.escalation.StaffFeedVerticle;
import io.livejury.escalation.StaffFeeds;
import io.livejury.api.ApiContract;
import io.livejury.gateway.AdminVerticle;
import io.livejury.gateway.Auth;
import io.livejury.gateway.GatewayVerticle;
import io.livejury.gateway.SocketServices;
import io.livejury.gateway.UserSockets;
import io.livejury.jury.BallotArchive;
import io.livejury.jury.JurorStore;
import io.livejury.metrics.MeteredRedis;
import io.livejury.metrics.Metrics;
import io.livejury.penalty.Outbox;
import io.livejury.penalty.PenaltyLadder;
import io.livejury.penalty.PenaltyVerticle;
import io.livejury.penalty.PenaltyWriter;
import io.livejury.review.ReviewService;
import io.livejury.room.AudienceVerticle;
import io.livejury.room.LostPrompts;
import io.livejury.room.Presence;
import io.livejury.room.RoomChannels;
import io.livejury.room.RoomEvents;
import io.livejury.room.RoomHubVerticle;
import io.livejury.room.RoomRegistry;
import io.livejury.room.RoomService;
import io.livejury.semantic.ModelStage;
import io.livejury.semantic.SemanticStage;
import io.livejury.teach.ModelSheets;
import io.livejury.teach.TaughtSync;
import io.livejury.teach.TeachService;
import io.livejury.teach.TeachStore;
import io.livejury.teach.TeachVerticle;
import io.livejury.teach.TeachableSheets;
import io.livejury.teach.WarningRecords;
import io.livejury.verdict.CloserVerticle;
import io.livejury.verdict.VerdictStreams;
import io.livejury.vote.BallotCounter;
import io.livejury.vote.PromptService;
import io.livejury.vote.TallyVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One LiveJury node: builds the shared clients and services, then deploys the verticles in order — the
 * room hub (so sockets can subscribe), the tally broadcaster, the audience reporter (with the jury rules on),
 * the closer, and last the gateway that lets traffic in. Any number of nodes may run against the same Redis and Postgres.
 */
public final class LiveJury {

  private static final Logger LOG = LoggerFactory.getLogger(LiveJury.class);

  /** {@link #adminPort()} of a node that serves /metrics on its public port. */
  public static final int NO_ADMIN_PORT = -1;

  private final Vertx vertx;
  private final int port;
  private final int adminPort;
  /** What closes the node's Redis clients and lanes. */
  private final List<Supplier<Future<Void>>> clients;
  private final Pool pg;
  private final List<String> deployments;
  private final ModelStage semantic;

  private LiveJury(Vertx vertx, int port, int adminPort, List<Supplier<Future<Void>>> clients, Pool pg, List<String> deployments,
      ModelStage semantic) {
    this.vertx = vertx;
    this.port = port;
    this.adminPort = adminPort;
    this.clients = clients;
    this.pg = pg;
    this.deployments = deployments;
    this.semantic = semantic;
  }

  /**
   * Connects to Redis and Postgres, migrates the schema and deploys the verticles. Builds the detection normaliser
   * (its conversion tables load in about 0.2 s) and the lexicon on the calling thread: call it from a thread that may
   * block. The sentence model loads on its own workers; the gateway opens once it is ready.
   *
   * @return the running node; fails with {@link IllegalStateException} when the settings must not run
   *     ({@link Settings#requireStartable()}), or with the first deployment's failure
   */
  public static Future<LiveJury> start(Vertx vertx, Settings settings) {
    try {
      settings.requireStartable();
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    int port = settings.httpPort() == 0 ? EmbeddedServers.freePort() : settings.httpPort();
    int adminPort = !settings.hasAdminPort() ? NO_ADMIN_PORT
        : settings.adminPort() == 0 ? EmbeddedServers.freePort() : settings.adminPort();
    boolean cluster = settings.redisCluster();
    RedisOptions redisOptions = new RedisOptions()
        .setEndpoints(new ArrayList<>(settings.redisEndpoints()))
        .setMaxPoolSize(settings.redisPoolSize())
        .setMaxPoolWaiting(settings.redisPoolWaiting())
        .setMaxWaitingHandlers(settings.redisPipeline());
    // A server that hangs keeps its connections open and answers nothing: without a read deadline every command
    // sent to it, and every connect of the cluster client (which opens one to every server), would wait for ever.
    redisOptions.getNetClientOptions().setReadIdleTimeout(settings.redisReadIdleMs())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (cluster) {
      // Routed by key slot, MOVED / ASK followed; every read goes to the slot's master, which holds what the node
      // just wrote there (a replica may lag behind it).
      redisOptions.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
    }
    Metrics metrics = new Metrics();
    Redis redis = new MeteredRedis(new PipelinedRedis(Redis.createClient(vertx, redisOptions)), metrics);
    RoomChannels roomChannels = RoomChannels.of(cluster);
    // Room channels are sharded on a cluster: the room hub then subscribes on every master that serves its rooms.
    Redis subscriber = cluster ? new ShardedSubscriber(vertx, redis, redisOptions)
        : Redis.createClient(vertx, new RedisOptions(redisOptions).setMaxPoolSize(1));
    VerdictStreams verdictStreams = VerdictStreams.of(settings.verdictStreamShards());
    if (cluster) {
      // Seeds are not logged: their URLs may carry a password.
      LOG.info("Redis Cluster ({} seeds): room events over sharded pub/sub, verdicts over streams {}",
          settings.redisEndpoints().size(), verdictStreams.keys());
    }
    // The verdict consumer blocks on XREADGROUP, one read per stream, so it gets connections of its own.
    Redis streams = Redis.createClient(vertx,
        new RedisOptions(redisOptions).setMaxPoolSize(Math.max(4, verdictStreams.keys().size() + 3)));
    // Taught examples are announced on a pub/sub channel: a connection of its own stays subscribed.
    Redis teachSubscriber = Redis.createClient(vertx, new RedisOptions(redisOptions).setMaxPoolSize(1));
    Pool pg = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.pgPoolSize()))
        .connectingTo(PgConnectOptions.fromUri(settings.pgUrl()))
        .using(vertx)
        .build();

    Auth auth = new Auth(vertx, settings.jwtSecret(), settings.tokenHours(), settings.tokenMaxHours(),
        settings.tokenClockSkewSeconds(), settings.jury().maxTies());
    RoomRegistry registry = new RoomRegistry();
    LostPrompts lostPrompts = new LostPrompts(metrics);
    metrics.socketsGauge(registry::sockets);
    RoomEvents events = new RoomEvents(redis, roomChannels, settings.roomEventsMaxLength(),
        settings.roomEventsExpiryMs());
    RoomService rooms = new RoomService(redis, events, settings.roomsPerStreamer());
    String nodeId = Ids.next("node");
    Presence presence = new Presence(redis, settings.jury(), nodeId);
    PromptService prompts = new PromptService(redis, rooms, events, presence, settings,
        () -> vertx.eventBus().publish(Addresses.CLOSER_WAKE, null));
    // Ballots that wait for replicas go down connections of their own: WAIT blocks the connection it is sent on, and
    // confirms only the writes of that connection's server. On a cluster every ballot goes down a lane to its slot's
    // master, so that one master lost fails only its own slots' ballots.
    ShardLanes shardLanes = cluster ? new ShardLanes(vertx, redisOptions) : null;
    PipelinedRedis ballotLane = cluster ? null : new PipelinedRedis(Redis.createClient(vertx, redisOptions));
    BallotCounter ballots = new BallotCounter(new ReplicatedWrites(redis,
        cluster ? shardLanes : ReplicatedWrites.Lanes.single(ballotLane), cluster, settings.redisAcks(),
        view -> new MeteredRedis(view, metrics)));
    LOG.info(settings.redisAcks().describe());
    // The sentence model and its sheets load before the gateway lets traffic in (see the chain below).
    ModelStage semantic = new ModelStage(vertx, settings.semantic(), metrics);
    Normaliser normaliser = Normaliser.withEvasions(settings.evasionsPath() == null ? null : Path.of(settings.evasionsPath()));
    Lexicons lexicons = new Lexicons(normaliser, new Detector(settings.lexiconPath() == null
        ? Lexicon.fromResource() : Lexicon.fromFile(Path.of(settings.lexiconPath())), normaliser));
    PenaltyLadder ladder = PenaltyLadder.load();
    ReviewQueue queue = new ReviewQueue(redis, pg, rooms, presence, ladder, settings.queue(), metrics,
        () -> vertx.eventBus().publish(Addresses.REVIEW_WAKE, null));
    RoomStops stops = new RoomStops(redis, pg, rooms, prompts, events, queue, ladder);
    Escalation escalation = new Escalation(queue, stops, new StaffFeeds());
    Redis staffSubscriber = Redis.createClient(vertx, new RedisOptions(redisOptions).setMaxPoolSize(1));
    ChannelSubscriber.Timing subscriberTiming = new ChannelSubscriber.Timing(settings.subscriberReconnectMs(),
        settings.subscriberCheckMs(), settings.subscriberCheckTimeoutMs());
    WarningRecords warningRecords = new WarningRecords(redis, settings.teach().warningRecordHours());
    TranscriptService transcripts = new TranscriptService(redis, lexicons, semantic, rooms, prompts, events, metrics,
        new TranscriptService.Options(settings.transcriptMaxSegments(), settings.transcriptMaxTextChars(),
            settings.transcriptMaxBytes(), settings.transcriptMaxSegmentId(), settings.transcriptMaxTimeMs(),
            settings.warningRepeatSeconds(), settings.autoPromptCooldownMinutes(),
            settings.promptSeconds(), settings.autoPromptCategories(), settings.detectWindowSeconds(),
            settings.detectLimits()), queue,
        warningRecords);
    TeachableSheets sheets = new ModelSheets(semantic, lexicons);
    TeachStore taughtStore = new TeachStore(pg);
    TaughtSync taughtSync = new TaughtSync(taughtStore, sheets);
    TeachService teach = new TeachService(pg, redis, taughtStore, warningRecords, sheets, taughtSync, lexicons);
    ReportService reports = new ReportService(redis, prompts, new ReportService.Options(
        settings.reportCooldownSeconds(), settings.reportThreshold(), settings.reportWindowSeconds(),
        settings.promptSeconds(), settings.reportTextsKept(), settings.jury().presenceSeconds(),
        settings.jury().minAccountDays()), queue);
    JurorStore jurors = new JurorStore(vertx, pg, settings.reputation());
    SocketServices sockets = new SocketServices(settings, registry, prompts, ballots, reports,
        new UserSockets(settings.socketPolicy().perUser()), metrics, presence, jurors, lostPrompts);
    Outbox outbox = new Outbox(pg, events, Math.max(1, settings.penaltyReclaimEveryMs() / 1000),
        settings.outboxRetryHours());
    ReviewService reviews = new ReviewService(pg, ladder, outbox, jurors);
    PenaltyVerticle.Options penaltyOptions = new PenaltyVerticle.Options(nodeId, settings.penaltyBatch(),
        settings.penaltyBlockMs(), settings.penaltyReclaimIdleMs(), settings.penaltyReclaimEveryMs(),
        settings.penaltyExpireEveryMs());

    List<String> deployments = new ArrayList<>();
    // The model loads on its own workers while the schema migrates and the verticles deploy; the gateway waits
    // for it, so the node takes no traffic before its verdicts are real.
    Future<Void> semanticReady = semantic.start();
    // So is the HTTP API's contract, read and checked once: the gateway validates requests against it.
    Future<ApiContract> contract = ApiContract.load(vertx);
    return Migrations.migrateOrKeepTrying(vertx, settings.pgUrl())
        .compose(v -> LuaScript.preload(redis))
        .compose(v -> deploy(vertx, deployments, 1, () -> new RoomHubVerticle(subscriber, redis, roomChannels, registry, metrics,
            new RoomHubVerticle.Options(settings.roomEventsCatchUpBatch(), settings.roomEventsMaxLength(),
                settings.subscriberCheckMs(), settings.subscriberCheckTimeoutMs(), settings.subscriberReconnectMs()))))
        .compose(v -> deploy(vertx, deployments, 1, () -> new TallyVerticle(redis, registry, settings.tallyIntervalMs(),
            settings.tallyFramesPerSecond(), metrics, lostPrompts, ballots::unanswered, settings.tallyHoldBallots(),
            settings.tallyMaxHoldMs())))
        // Always: staff weigh a room's problems by its audience, jury rules or not.
        .compose(v -> deploy(vertx, deployments, 1, () -> new AudienceVerticle(presence, registry)))
        .compose(v -> deploy(vertx, deployments, 1, () -> new CloserVerticle(redis, events, settings.verdictRule(),
            settings.flags(), settings.closerIntervalMs(), settings.closerIdleMs(), settings.closerLeaseMs(), settings.closerBatch(),
            settings.promptRetentionMs(), verdictStreams, settings.verdictStreamMaxLength())))
        .compose(v -> deploy(vertx, deployments, 1, () -> new PenaltyVerticle(streams, verdictStreams, pg,
            new PenaltyWriter(pg, ladder, outbox, new BallotArchive(redis), jurors), outbox, metrics, penaltyOptions,
            verdict -> Future.join(queue.addVerdict(verdict), stops.consider(verdict)).<Void>mapEmpty()
                .otherwiseEmpty())))
        .compose(v -> deploy(vertx, deployments, 1, () -> new StaffFeedVerticle(staffSubscriber, redis, queue, stops,
            escalation.feeds(), subscriberTiming, settings.socketPolicy().pingSeconds() * 1000L)))
        .compose(v -> deploy(vertx, deployments, 1, () -> new DetectVerticle(lexicons,
            settings.lexiconPath() == null ? null : Path.of(settings.lexiconPath()), settings.lexiconReloadMs())))
        .compose(v -> {
          long waiting = System.nanoTime();
          return semanticReady.andThen(done -> {
            long waitedMs = (System.nanoTime() - waiting) / 1_000_000;
            if (waitedMs > 0) {
              LOG.info("Start-up waited {} ms for the sentence model after everything else was ready", waitedMs);
            }
          });
        })
        .compose(v -> deploy(vertx, deployments, 1, () -> new TeachVerticle(teachSubscriber, redis, taughtSync,
            settings.teach().resyncMs(), subscriberTiming)))
        .compose(v -> contract)
        .compose(api -> deploy(vertx, deployments, settings.gatewayInstances(), () -> new GatewayVerticle(port, settings,
            auth, redis, pg, rooms, reviews, transcripts, teach, sockets, metrics, escalation, api)))
        .compose(v -> adminPort == NO_ADMIN_PORT ? Future.<Void>succeededFuture()
            : deploy(vertx, deployments, 1, () ->
                new AdminVerticle(settings.adminHost(), adminPort, metrics, redis, pg)))
        .map(v -> new LiveJury(vertx, port, adminPort,
            List.of(redis::close, subscriber::close, streams::close, staffSubscriber::close, teachSubscriber::close,
                cluster ? shardLanes::close : ballotLane::close), pg, deployments, semantic));
  }

  private static Future<Void> deploy(Vertx vertx, List<String> deployments, int instances,
      Supplier<Deployable> verticle) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances))
        .map(id -> {
          deployments.add(id);
          return null;
        });
  }

  public int port() {
    return port;
  }

  /** The port /metrics is served on when it has one of its own, else {@link #NO_ADMIN_PORT}. */
  public int adminPort() {
    return adminPort;
  }

  /**
   * The semantic stage of this node, loaded (or, when the model is off or could not load, answering "not run")
   * by the time the node is started; the detection pipeline judges normalised segments with it.
   */
  public SemanticStage semantic() {
    return semantic;
  }

  /** The semantic stage's sheet reports: per sheet in force, its examples, threshold and leave-one-out figures. */
  public List<io.livejury.semantic.SheetReport> sheetReports() {
    return semantic.reports();
  }

  /** Stops taking traffic first (gateway), then the background verticles, then closes the clients. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(previous -> vertx.undeploy(id));
    }
    return chain
        .eventually(semantic::stop)
        .eventually(() -> {
          List<Future<Void>> closing = new ArrayList<>();
          clients.forEach(client -> closing.add(client.get()));
          closing.add(pg.close());
          return Future.join(closing);
        })
        .mapEmpty();
  }
}
