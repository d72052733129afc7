package io.livejury.escalation;

/** What the gateway serves of live escalation: the queue, emergency stops and this node's staff feeds. */
public record Escalation(ReviewQueue queue, RoomStops stops, StaffFeeds feeds) {
}
