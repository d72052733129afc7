package io.livejury.gateway;

import io.livejury.common.Frames;
import io.livejury.escalation.ReviewQueue;
import io.livejury.escalation.StaffFeeds;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * One staff feed socket ({@code GET /ws/staff}): first a {@code queue} frame {@code {"type":"queue","items":[…],
 * "serverTime"}} with the queue as {@code GET /api/queue} sorts it, then an {@code alert} frame for every new or
 * escalated item and an {@code update} frame for every item claimed or decided, from any node. The client may send
 * {@code ping} (answered {@code pong}); other frames get an {@code error}, the connection stays open. Frames that
 * would queue behind a client that does not read are dropped, and the socket is sent the whole queue again once it
 * drains, so a slow console catches up instead of pinning memory.
 */
final class StaffSocket implements StaffFeeds.Feed {

  private static final Logger LOG = LoggerFactory.getLogger(StaffSocket.class);
  private static final Buffer PING = Buffer.buffer();

  private final ServerWebSocket ws;
  private final ReviewQueue queue;
  private final StaffFeeds feeds;
  private final Runnable onClose;
  private volatile boolean missed;

  StaffSocket(ServerWebSocket ws, ReviewQueue queue, StaffFeeds feeds, Runnable onClose) {
    this.ws = ws;
    this.onClose = onClose;
    this.queue = queue;
    this.feeds = feeds;
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.closeHandler(v -> {
      feeds.remove(this);
      onClose.run();
    });
    ws.exceptionHandler(err -> LOG.debug("Staff feed socket failed: {}", err.getMessage()));
    ws.drainHandler(v -> {
      if (missed) {
        missed = false;
        refresh();
      }
    });
    // Alerts from here on are held by nobody: the queue frame is read after joining, so an item is in it or comes
    // after it (or both, which a console takes as the same item by id).
    feeds.add(this);
    refresh();
  }

  @Override
  public void send(String frame) {
    if (ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      missed = true;
      return;
    }
    ws.writeTextMessage(frame);
  }

  @Override
  public void refresh() {
    queue.list()
        .onSuccess(list -> send(list.put("type", "queue").put("serverTime", Instant.now().toString()).encode()))
        .onFailure(err -> send(Frames.error("unavailable", "the queue cannot be read right now; it is sent again"
            + " when it can be", null)));
  }

  @Override
  public void ping() {
    if (!ws.isClosed()) {
      ws.writePing(PING);
    }
  }

  private void onText(String text) {
    JsonObject frame;
    try {
      if (!(Json.decodeValue(text) instanceof JsonObject object)) {
        send(Frames.error("bad_frame", "a frame is a JSON object with a type", null));
        return;
      }
      frame = object;
    } catch (DecodeException e) {
      send(Frames.error("bad_json", "the frame is not valid JSON", null));
      return;
    }
    String type = frame.getValue("type") instanceof String s ? s : "";
    String ref = frame.getValue("ref") == null ? null : frame.getValue("ref").toString();
    if ("ping".equals(type)) {
      send(Frames.PONG);
    } else {
      send(Frames.error("unknown_type", "the staff feed takes only ping; act through the HTTP API", ref));
    }
  }
}
