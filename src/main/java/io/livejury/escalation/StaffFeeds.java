package io.livejury.escalation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's staff feed sockets ({@code GET /ws/staff}): what {@link StaffFeedVerticle} hands every alert and
 * update heard on the staff channel to. Safe from any thread.
 */
public final class StaffFeeds {

  /** One staff feed socket. */
  public interface Feed {

    /** Queues a text frame; never blocks. */
    void send(String frame);

    /** Sends the whole queue again, after a gap in which alerts may have been missed. */
    void refresh();

    /** Pings the socket, so an idle connection is neither closed as idle nor kept once it is gone. */
    void ping();
  }

  private final Set<Feed> feeds = ConcurrentHashMap.newKeySet();

  public void add(Feed feed) {
    feeds.add(feed);
  }

  public void remove(Feed feed) {
    feeds.remove(feed);
  }

  /** How many staff feed sockets this node holds. */
  public int size() {
    return feeds.size();
  }

  public void broadcast(String frame) {
    feeds.forEach(feed -> feed.send(frame));
  }

  public void refreshAll() {
    feeds.forEach(Feed::refresh);
  }

  public void pingAll() {
    feeds.forEach(Feed::ping);
  }
}
