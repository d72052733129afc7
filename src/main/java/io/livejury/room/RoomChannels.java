package io.livejury.room;

import io.livejury.common.RedisKeys;
import io.vertx.redis.client.Command;

/**
 * How room events travel from the node that publishes them to the nodes holding the room's sockets. On a single
 * Redis server: plain pub/sub on {@link RedisKeys#roomChannel} (PUBLISH / SUBSCRIBE). On a Redis Cluster: sharded
 * pub/sub on {@link RedisKeys#roomShardChannel} (SPUBLISH / SSUBSCRIBE, Redis 7), which stays on the shard that
 * holds the room's keys instead of being broadcast over the cluster bus to every server, so the cluster's fan-out
 * capacity grows with its shards.
 */
public enum RoomChannels {

  PLAIN(Command.SUBSCRIBE, Command.UNSUBSCRIBE, "subscribe", "message", "unsubscribe"),
  SHARDED(Command.SSUBSCRIBE, Command.SUNSUBSCRIBE, "ssubscribe", "smessage", "sunsubscribe");

  private final Command subscribe;
  private final Command unsubscribe;
  private final String subscribed;
  private final String message;
  private final String unsubscribed;
  private final String prefix;
  private final String suffix;

  RoomChannels(Command subscribe, Command unsubscribe, String subscribed, String message, String unsubscribed) {
    this.subscribe = subscribe;
    this.unsubscribe = unsubscribe;
    this.subscribed = subscribed;
    this.message = message;
    this.unsubscribed = unsubscribed;
    // A room's channel is its shape around the room id: what comes before and after it.
    String empty = subscribe == Command.SSUBSCRIBE ? RedisKeys.roomShardChannel("") : RedisKeys.roomChannel("");
    int at = subscribe == Command.SSUBSCRIBE ? empty.indexOf('}') : empty.length();
    this.prefix = empty.substring(0, at);
    this.suffix = empty.substring(at);
  }

  /** {@link #SHARDED} on a Redis Cluster, else {@link #PLAIN}. */
  public static RoomChannels of(boolean cluster) {
    return cluster ? SHARDED : PLAIN;
  }

  public boolean sharded() {
    return this == SHARDED;
  }

  /** The room's channel. */
  public String channel(String roomId) {
    return sharded() ? RedisKeys.roomShardChannel(roomId) : RedisKeys.roomChannel(roomId);
  }

  /** The room id of one of these channels; null when the channel is not a room channel of this kind. */
  public String roomOf(String channel) {
    return channel.length() >= prefix.length() + suffix.length() && channel.startsWith(prefix)
        && channel.endsWith(suffix) ? channel.substring(prefix.length(), channel.length() - suffix.length()) : null;
  }

  /** The command that subscribes a connection to room channels. */
  public Command subscribe() {
    return subscribe;
  }

  /** The command that unsubscribes a connection from room channels. */
  public Command unsubscribe() {
    return unsubscribe;
  }

  /** True when a push (its first element) confirms a room channel's subscription. */
  public boolean isSubscribed(String kind) {
    return subscribed.equals(kind);
  }

  /** True when a push (its first element) carries a message of a room channel. */
  public boolean isMessage(String kind) {
    return message.equals(kind);
  }

  /**
   * True when a push (its first element) says a room channel is no longer subscribed — on a cluster also sent
   * unasked, when the channel's slot moved to another shard.
   */
  public boolean isUnsubscribed(String kind) {
    return unsubscribed.equals(kind);
  }

  /** What room_event.lua is told ({@code ARGV[7]}): SPUBLISH or PUBLISH. */
  String scriptMode() {
    return sharded() ? "sharded" : "plain";
  }
}
