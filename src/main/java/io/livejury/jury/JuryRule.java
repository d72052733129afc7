package io.livejury.jury;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may vote on one prompt, fixed when it opened: the prompt's {@code jury} block and the rule fields of its
 * Redis hash, and the Java mirror of {@code ballot.lua}, so a node can tell a viewer before they vote whether
 * their ballot would count, with the reason ballot.lua would give. Any change to the rule is made in both.
 *
 * <p>The draw: a viewer is on the jury iff the first 8 hex digits of SHA-1({@code seed + ":" + userId}), read
 * as an unsigned 32-bit number, are below {@code rate * 2^32}. The seed is drawn when the prompt opens (so the
 * jury cannot be known before) and published with it (so anyone can check the draw after); the same viewer is
 * drawn or not on every node and after every reconnect.
 *
 * @param size              the jury size asked for; null: everyone eligible decides
 * @param audience          the room's viewers who could decide when the prompt opened (every rule but the
 *                          draw), distinct per node, summed across nodes
 * @param rate              the share of viewers drawn, in (0, 1]: 1 unless the audience exceeds the size, then
 *                          size / audience
 * @param seed              32 hex digits from a SecureRandom
 * @param presenceSeconds   a juror first joined the room at least this long before the prompt opened
 * @param minAccountDays    a juror's account was at least this old when the prompt opened (0: no age rule)
 * @param requireVerified   only viewers whose token says {@code verified} may vote
 * @param opensAtMs         when the prompt opened, epoch ms by Redis's clock
 */
public record JuryRule(
    Integer size,
    long audience,
    double rate,
    String seed,
    int presenceSeconds,
    int minAccountDays,
    boolean requireVerified,
    long opensAtMs) {

  public static final String LATE_JOIN = "late_join";
  public static final String NEW_ACCOUNT = "new_account";
  public static final String CONFLICT = "conflict";
  public static final String UNVERIFIED = "unverified";
  public static final String NOT_SELECTED = "not_selected";
  /** The reasons an ineligible ballot is refused for, in the order they are checked: the first that applies. */
  public static final List<String> REASONS = List.of(LATE_JOIN, NEW_ACCOUNT, CONFLICT, UNVERIFIED, NOT_SELECTED);

  private static final double TWO_TO_32 = 4294967296.0;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /** The rules of a prompt opening now under {@code policy}, with a fresh seed. */
  public static JuryRule opening(JuryPolicy policy, Integer size, long audience, long opensAtMs) {
    byte[] seed = new byte[16];
    RANDOM.nextBytes(seed);
    return new JuryRule(size, audience, rate(size, audience), HexFormat.of().formatHex(seed), policy.presenceSeconds(),
        policy.minAccountDays(), policy.requireVerified(), opensAtMs);
  }

  /** Everyone when there is no size or the audience fits in it, else the share that makes a jury of that size. */
  public static double rate(Integer size, long audience) {
    return size == null || audience <= size ? 1 : (double) size / audience;
  }

  /**
   * The rules of a prompt from its {@code jury} block and {@code opensAt}, as a prompt frame or a welcome carries
   * them; null when it has no block (opened with juries off).
   */
  public static JuryRule of(JsonObject prompt) {
    JsonObject jury = prompt.getJsonObject("jury");
    if (jury == null) {
      return null;
    }
    Number size = jury.getNumber("size");
    return new JuryRule(size == null ? null : size.intValue(), jury.getLong("audience"), jury.getDouble("rate"),
        jury.getString("seed"), jury.getInteger("presenceSeconds"), jury.getInteger("minAccountDays"),
        jury.getBoolean("requireVerified"), Instant.parse(prompt.getString("opensAt")).toEpochMilli());
  }

  /** The prompt's {@code jury} block: {@code {"size", "rate", "seed", "audience", "presenceSeconds", "minAccountDays", "requireVerified"}}. */
  public Map<String, Object> block() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("size", size);
    block.put("rate", rate);
    block.put("seed", seed);
    block.put("audience", audience);
    block.put("presenceSeconds", presenceSeconds);
    block.put("minAccountDays", minAccountDays);
    block.put("requireVerified", requireVerified);
    return block;
  }

  /**
   * The field/value pairs ballot.lua judges ballots by, for the prompt hash: {@code rules}, {@code opensAtMs},
   * {@code presenceMs}, {@code minAcctSec} ('' for no age rule), {@code requireVerified}, {@code rate}, {@code seed}.
   */
  public List<String> hashFields() {
    Long minAcct = minAccountSec();
    return List.of("rules", "1", "opensAtMs", Long.toString(opensAtMs), "presenceMs", Long.toString(presenceMs()),
        "minAcctSec", minAcct == null ? "" : Long.toString(minAcct), "requireVerified", requireVerified ? "1" : "0",
        // Double.toString round-trips: Lua's tonumber reads back the very double this mirror compares with.
        "rate", rate >= 1 ? "1" : Double.toString(rate), "seed", seed);
  }

  private long presenceMs() {
    return presenceSeconds * 1000L;
  }

  /** An account created after this epoch second is too new; null when there is no age rule. */
  private Long minAccountSec() {
    return minAccountDays == 0 ? null : Math.floorDiv(opensAtMs, 1000) - minAccountDays * 86_400L;
  }

  /**
   * Why this juror may not vote on the prompt, exactly as ballot.lua would answer; null when they may.
   *
   * @param conflicted the juror's ties hold the room's streamer or merchant
   */
  public String reason(JurorProfile juror, boolean conflicted) {
    if (juror.firstJoinedMs() > opensAtMs - presenceMs()) {
      return LATE_JOIN;
    }
    Long minAcct = minAccountSec();
    Long acct = juror.claims().accountCreatedSec();
    if (acct != null && minAcct != null && acct > minAcct) {
      return NEW_ACCOUNT;
    }
    if (conflicted) {
      return CONFLICT;
    }
    if (requireVerified && !juror.claims().verified()) {
      return UNVERIFIED;
    }
    return drawn(seed, juror.userId(), rate) ? null : NOT_SELECTED;
  }

  /** True when the draw of this seed and rate puts the user on the jury. */
  public static boolean drawn(String seed, String userId, double rate) {
    if (rate >= 1) {
      return true;
    }
    MessageDigest sha1 = SHA1.get();
    sha1.update(seed.getBytes(StandardCharsets.UTF_8));
    sha1.update((byte) ':');
    byte[] digest = sha1.digest(userId.getBytes(StandardCharsets.UTF_8));
    long first32 = (digest[0] & 0xFFL) << 24 | (digest[1] & 0xFFL) << 16 | (digest[2] & 0xFFL) << 8 | digest[3] & 0xFFL;
    return first32 < rate * TWO_TO_32;
  }

  /** What a viewer is told of a prompt: {@code {"eligible": true}} or {@code {"eligible": false, "reason"}}. */
  public static JsonObject status(String reason) {
    JsonObject status = new JsonObject().put("eligible", reason == null);
    if (reason != null) {
      status.put("reason", reason);
    }
    return status;
  }
}
