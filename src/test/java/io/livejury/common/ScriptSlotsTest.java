package io.livejury.common;

import io.livejury.room.RoomChannels;
import io.vertx.redis.client.impl.ZModem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a Redis Cluster a Lua script may touch the keys of one hash slot only. For every script in
 * {@code src/main/resources/lua}, each combination of keys its callers pass (as they build them from
 * {@link RedisKeys}), for many ids, must hash to one slot — and room_event.lua's shard channel to the slot of its
 * keys, since it SPUBLISHes from inside the script. The slots are computed by {@link HashSlots}, checked here
 * against the cluster specification's examples and the Vert.x client's own implementation.
 */
class ScriptSlotsTest {

  private static final List<String> IDS = List.of("p-1", "room-42", "a", "Z9_x-y", "直播间", "streamer.1", "q");

  /** Script name → the key lists its callers pass, for an id (prompt, room, streamer, user, category alike). */
  private static Map<String, Function<String, List<List<String>>>> calls() {
    Map<String, Function<String, List<List<String>>>> calls = new LinkedHashMap<>();
    calls.put("open_prompt", p -> List.of(List.of(RedisKeys.prompt(p), RedisKeys.counts(p))));
    calls.put("ballot", p -> List.of(promptKeys(p)));
    calls.put("close_prompt", p -> List.of(List.of(RedisKeys.prompt(p), RedisKeys.counts(p), RedisKeys.voters(p),
        RedisKeys.curve(p), RedisKeys.excluded(p), RedisKeys.exclusions(p))));
    calls.put("close_now", p -> List.of(List.of(RedisKeys.prompt(p))));
    calls.put("stop_prompt", p -> List.of(List.of(RedisKeys.prompt(p))));
    calls.put("claim_due", id -> List.of(List.of(RedisKeys.DEADLINES)));
    calls.put("report", r -> List.of(List.of(RedisKeys.roomReporter(r, "user-" + r), RedisKeys.roomReports(r, "medical"),
        RedisKeys.roomReportPrompt(r, "medical"), RedisKeys.roomReportTexts(r, "medical"), RedisKeys.room(r))));
    calls.put("room_event", r -> List.of(
        List.of(RedisKeys.roomEvents(r), RoomChannels.SHARDED.channel(r)),
        List.of(RedisKeys.roomEvents(r), RedisKeys.roomWarned(r, "rule-" + r), RoomChannels.SHARDED.channel(r))));
    calls.put("join", r -> List.of(List.of(RedisKeys.roomJoined(r), RedisKeys.roomLeft(r))));
    calls.put("leave", r -> List.of(List.of(RedisKeys.roomLeft(r))));
    calls.put("audience", r -> List.of(List.of(RedisKeys.roomAudience(r))));
    calls.put("remember_closed", r -> List.of(List.of(RedisKeys.roomClosedPrompts(r))));
    calls.put("auto_stop", r -> List.of(List.of(RedisKeys.roomStopVerdicts(r), RedisKeys.roomStopProposed(r))));
    calls.put("room_swap", r -> List.of(List.of(RedisKeys.room(r))));
    calls.put("stop_decide", r -> List.of(List.of(RedisKeys.room(r), RedisKeys.roomStopDecisions(r))));
    calls.put("streamer_room", s -> List.of(List.of(RedisKeys.streamerLiveRooms(s))));
    calls.put("queue_add", r -> {
      List<String> keys = new ArrayList<>(List.of(RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_DUE,
          RedisKeys.QUEUE_RANK, RedisKeys.QUEUE_RANK_OF, RedisKeys.queueRoomItems(r), RedisKeys.QUEUE_ROOMS));
      List<String> repeated = new ArrayList<>(keys);
      repeated.add(RedisKeys.queueRepeat(r, "rule:" + r));
      return List.of(keys, repeated);
    });
    calls.put("queue_claim", id -> List.of(List.of(RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_OPEN,
        RedisKeys.QUEUE_CLAIMS)));
    calls.put("queue_resolve", id -> List.of(List.of(RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_DUE,
        RedisKeys.QUEUE_CLAIMS, RedisKeys.QUEUE_RESOLVED, RedisKeys.QUEUE_DONE, RedisKeys.QUEUE_RANK,
        RedisKeys.QUEUE_RANK_OF)));
    calls.put("queue_escalate", id -> List.of(List.of(RedisKeys.QUEUE_DUE, RedisKeys.QUEUE_OPEN,
        RedisKeys.QUEUE_CLAIMS, RedisKeys.QUEUE_ESCALATED, RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_RESOLVED,
        RedisKeys.QUEUE_DONE, RedisKeys.QUEUE_RANK, RedisKeys.QUEUE_RANK_OF)));
    calls.put("queue_rank", r -> List.of(List.of(RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_RANK, RedisKeys.QUEUE_RANK_OF,
        RedisKeys.queueRoomItems(r), RedisKeys.QUEUE_ROOMS)));
    calls.put("queue_rooms_due", id -> List.of(List.of(RedisKeys.QUEUE_ROOMS)));
    return calls;
  }

  private static List<String> promptKeys(String p) {
    return List.of(RedisKeys.prompt(p), RedisKeys.voters(p), RedisKeys.counts(p), RedisKeys.curve(p),
        RedisKeys.excluded(p), RedisKeys.exclusions(p));
  }

  @Test
  void everyScriptIsListed() throws IOException {
    Set<String> scripts;
    try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "lua"))) {
      scripts = files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".lua"))
          .map(name -> name.substring(0, name.length() - ".lua".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(calls().keySet())).as("scripts whose keys this test checks").isEqualTo(scripts);
  }

  @Test
  void eachCallOfEachScriptTouchesOneSlot() {
    calls().forEach((script, keysFor) -> {
      for (String id : IDS) {
        for (List<String> keys : keysFor.apply(id)) {
          Set<Integer> slots = keys.stream().map(HashSlots::slot).collect(Collectors.toSet());
          assertThat(slots).as(script + " with keys " + keys).hasSize(1);
        }
      }
    });
  }

  @Test
  void hashSlotsFollowTheClusterSpecification() {
    // CRC16/XMODEM's check value: "123456789" → 0x31C3.
    assertThat(HashSlots.slot("123456789")).isEqualTo(0x31C3);
    assertThat(HashSlots.slot("{user1000}.following")).isEqualTo(HashSlots.slot("{user1000}.followers"));
    assertThat(HashSlots.slot("foo{}{bar}")).as("an empty tag: the whole key is hashed")
        .isNotEqualTo(HashSlots.slot("bar"));
    assertThat(HashSlots.slot("foo{{bar}}zap")).isEqualTo(HashSlots.slot("{bar"));
    assertThat(HashSlots.slot("foo{bar}{zap}")).isEqualTo(HashSlots.slot("bar"));
    for (String id : IDS) {
      for (String key : List.of(RedisKeys.prompt(id), RedisKeys.room(id), RedisKeys.roomChannel(id),
          RedisKeys.roomShardChannel(id), RedisKeys.QUEUE_ITEMS, id, "{" + id, id + "}", "{}" + id)) {
        assertThat(HashSlots.slot(key)).as(key).isEqualTo(ZModem.generate(key));
      }
    }
  }

  @Test
  void verdictStreamsSpreadOverTheSlotSpace() {
    assertThat(RedisKeys.verdictStream(0, 1)).isEqualTo(RedisKeys.VERDICT_STREAM);
    for (int shards : new int[] {2, 3, 6, 16}) {
      Set<String> keys = new TreeSet<>();
      for (int i = 0; i < shards; i++) {
        String key = RedisKeys.verdictStream(i, shards);
        keys.add(key);
        assertThat(HashSlots.slot(key)).as(key)
            .isBetween((int) ((long) i * HashSlots.SLOTS / shards), (int) ((long) (i + 1) * HashSlots.SLOTS / shards) - 1);
      }
      assertThat(keys).hasSize(shards);
    }
  }
}
