package io.livejury.gateway;

import io.livejury.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes connections that do not finish their first request or WebSocket upgrade in time: a client that
 * opens a connection and stays silent, or trickles a byte now and then, would otherwise hold a descriptor
 * for as long as it likes (an idle timeout alone never fires on a trickle). A request's body is on the same
 * clock of its own from its headers on ({@link #watchBody}): a body that stops short of its length, or trickles in, is
 * answered 408 and its connection closed. One per gateway instance, used on its event loop only, so a plain
 * map is enough.
 */
final class HandshakeDeadline {

  private final Vertx vertx;
  private final long timeoutMs;
  private final long bodyMs;
  private final Metrics metrics;
  /** Connections still waiting for their first request, by remote address, with the timer that closes them. */
  private final Map<String, Long> waiting = new HashMap<>();

  HandshakeDeadline(Vertx vertx, int timeoutSeconds, int bodySeconds, Metrics metrics) {
    this.vertx = vertx;
    this.timeoutMs = timeoutSeconds * 1000L;
    this.bodyMs = bodySeconds * 1000L;
    this.metrics = metrics;
  }

  void watch(HttpConnection connection) {
    String key = connection.remoteAddress().toString();
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (waiting.remove(key) != null) {
        metrics.connectionClosed("handshake_timeout");
        connection.close();
      }
    });
    waiting.put(key, timer);
    connection.closeHandler(v -> passed(connection.remoteAddress()));
  }

  /**
   * Gives the body of {@code request} (whose headers just arrived) its deadline: unless it has all arrived by then,
   * the request is answered 408 {@code request_timeout} and its connection closed.
   */
  void watchBody(HttpServerRequest request) {
    if (request.isEnded()) {
      return;
    }
    long timer = vertx.setTimer(bodyMs, id -> {
      if (!request.isEnded()) {
        metrics.connectionClosed("body_timeout");
        ErrorResponder.bodyTimedOut(request, bodyMs / 1000);
      }
    });
    request.end().onComplete(ended -> vertx.cancelTimer(timer));
  }

  /** The connection from this address sent a whole request or upgrade: it is no longer on the clock. */
  void passed(SocketAddress remote) {
    Long timer = waiting.remove(remote.toString());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
