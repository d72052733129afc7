package io.livejury.vote;

import io.livejury.common.Frames;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.livejury.room.Audience;
import io.livejury.room.LocalRoom;
import io.livejury.room.RoomRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Live tallies, coalesced: every interval this node reads the counts of the open prompts of the rooms it
 * holds sockets in (one pipelined round trip) and sends a {@code tally} frame for each prompt whose total
 * moved. However fast ballots arrive, a socket gets at most one tally per prompt per interval.
 */
public final class TallyVerticle extends VerticleBase {

  private final Redis redis;
  private final RoomRegistry registry;
  private final long intervalMs;
  private boolean reading;

  public TallyVerticle(Redis redis, RoomRegistry registry, long intervalMs) {
    this.redis = redis;
    this.registry = registry;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(intervalMs, id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (reading) {
      return; // the previous round is still out: skipping keeps the frame rate bounded under load
    }
    List<LocalRoom> rooms = new ArrayList<>();
    List<String> promptIds = new ArrayList<>();
    List<Request> reads = new ArrayList<>();
    for (LocalRoom room : registry.rooms()) {
      for (String promptId : room.openPrompts().keySet()) {
        rooms.add(room);
        promptIds.add(promptId);
        reads.add(Request.cmd(Command.HGETALL).arg(RedisKeys.counts(promptId)));
      }
    }
    if (reads.isEmpty()) {
      return;
    }
    reading = true;
    redis.batch(reads)
        .onSuccess(replies -> broadcast(rooms, promptIds, replies))
        .onComplete(done -> reading = false);
  }

  private static void broadcast(List<LocalRoom> rooms, List<String> promptIds, List<Response> replies) {
    for (int i = 0; i < replies.size(); i++) {
      LocalRoom room = rooms.get(i);
      String promptId = promptIds.get(i);
      Map<String, Long> counts = Replies.counts(replies.get(i));
      long total = Replies.total(counts);
      Long lastSent = room.openPrompts().get(promptId);
      if (lastSent != null && lastSent != total && room.markTallySent(promptId, total)) {
        room.deliver(Audience.EVERYONE, Frames.tally(promptId, counts, total));
      }
    }
  }
}
