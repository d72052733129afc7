package io.livejury.gateway;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Looks after the sockets one gateway instance accepted, once a second on that instance's event loop (the
 * loop that owns them): pings each one every {@link SocketPolicy#pingSeconds()}, and closes those that went
 * silent or stopped reading. One periodic timer per event loop rather than one per socket.
 */
final class SocketKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(SocketKeeper.class);
  private static final long CHECK_MS = 1_000;

  private final Set<SocketSession> sessions = new HashSet<>();
  private final Vertx vertx;
  private long timer = -1;

  SocketKeeper(Vertx vertx) {
    this.vertx = vertx;
  }

  void add(SocketSession session) {
    sessions.add(session);
    if (timer < 0) {
      timer = vertx.setPeriodic(CHECK_MS, id -> check());
    }
  }

  void remove(SocketSession session) {
    sessions.remove(session);
  }

  private void check() {
    long now = System.nanoTime();
    // A session may close itself while checked: iterate over a copy.
    for (SocketSession session : sessions.toArray(SocketSession[]::new)) {
      try {
        session.check(now);
      } catch (RuntimeException e) {
        // One socket closing under the check must not cost the others theirs.
        LOG.debug("Socket check failed: {}", e.getMessage());
      }
    }
  }
}
