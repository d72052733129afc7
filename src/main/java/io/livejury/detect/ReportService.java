package io.livejury.detect;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.escalation.ReviewQueue;
import io.livejury.jury.JurorProfile;
import io.livejury.model.PromptKinds;
import io.livejury.vote.PromptService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Viewer reports. A viewer reports at most once per room per cool-down (a flood is acked {@code rejected});
 * when enough distinct viewers report the same category within the window, the audience is asked: a
 * claim prompt for {@code false_claim}, an atmosphere prompt for {@code atmosphere}. Reports of category
 * {@code other} are counted but open nothing. One Lua call per report decides all of it atomically. The
 * latest report texts ride along: the prompt a threshold opens carries them in its trigger, and so does
 * its verdict, for staff reviewing it; what goes to the room leaves them out ({@link io.livejury.model.Trigger}).
 */
public final class ReportService {

  public static final List<String> CATEGORIES = List.of("false_claim", "atmosphere", "other");
  private static final Map<String, String> PROMPT_KIND = Map.of("false_claim", "claim", "atmosphere", "atmosphere");
  private static final Logger LOG = LoggerFactory.getLogger(ReportService.class);

  /** {@code status} is the ack status; {@code reason} says why a report was rejected or the room is closed. */
  public record Outcome(String status, String reason) {
  }

  /**
   * Thresholds and windows, all from configuration; {@code presenceSeconds} and {@code minAccountDays} are the
   * jury's ({@link io.livejury.jury.JuryPolicy}): a viewer who may not vote may not open a vote either.
   */
  public record Options(int cooldownSeconds, int threshold, int windowSeconds, int promptSeconds, int textsKept,
      int presenceSeconds, int minAccountDays) {
  }

  private final Redis redis;
  private final PromptService prompts;
  private final Options options;
  private final ReviewQueue queue;

  /** @param queue the staff review queue, where a wave of reports that opens a prompt becomes an item */
  public ReportService(Redis redis, PromptService prompts, Options options, ReviewQueue queue) {
    this.queue = queue;
    this.redis = redis;
    this.prompts = prompts;
    this.options = options;
  }

  /**
   * Records one report. {@code text} may be null: a report without words still counts. {@code juror} is the
   * reporter's profile when jury rules apply, else null: then every report counts, one per user.
   *
   * @return {@code accepted}; {@code closed} with {@code stopped} or {@code ended} when the room takes no more
   *     reports (a socket kept open after a stop says so, rather than blaming the reporter); or {@code rejected} with
   *     {@code rate_limited} (within the cool-down), {@code late_join} (joined the room less than the presence time
   *     ago) or {@code new_account}
   */
  public Future<Outcome> report(String roomId, String userId, JurorProfile juror, String category, String text) {
    String kind = PROMPT_KIND.get(category);
    long holdSeconds = options.promptSeconds() + options.windowSeconds();
    List<String> args = new ArrayList<>(List.of(userId, Integer.toString(options.cooldownSeconds()),
        Long.toString(options.windowSeconds() * 1000L),
        Integer.toString(kind == null ? Integer.MAX_VALUE : options.threshold()), Long.toString(holdSeconds),
        text == null ? "" : text.strip(), Integer.toString(options.textsKept())));
    if (juror != null) {
      Long acct = juror.claims().accountCreatedSec();
      args.addAll(List.of(juror.netId(), Long.toString(juror.firstJoinedMs()),
          Long.toString(options.presenceSeconds() * 1000L), acct == null ? "" : acct.toString(),
          Long.toString(options.minAccountDays() * 86_400L)));
    }
    return LuaScript.REPORT.call(redis,
            List.of(RedisKeys.roomReporter(roomId, userId), RedisKeys.roomReports(roomId, category),
                RedisKeys.roomReportPrompt(roomId, category), RedisKeys.roomReportTexts(roomId, category),
                RedisKeys.room(roomId)),
            args)
        .map(reply -> {
          if (reply.get(3).toInteger() == 1) {
            List<String> texts = new ArrayList<>();
            reply.get(4).forEach(t -> texts.add(t.toString()));
            ask(roomId, kind, category, reply.get(2).toInteger(), texts);
          }
          return new Outcome(reply.get(0).toString(), reply.get(1).toString());
        });
  }

  private void ask(String roomId, String kind, String category, int reporters, List<String> texts) {
    JsonObject request = new JsonObject().put("kind", kind)
        .put("question", PromptKinds.get(kind).reportQuestion())
        .put("durationSec", options.promptSeconds());
    Map<String, Object> trigger = Map.of("type", "reports", "category", category, "reporters", reporters,
        "windowSeconds", options.windowSeconds(), "texts", texts);
    prompts.open(roomId, request, trigger)
        .compose(prompt -> queue.addReports(roomId, category, reporters, prompt.id()))
        .onFailure(err -> LOG.warn("Reports in room {} could not open a prompt: {}", roomId, err.getMessage()));
  }
}
