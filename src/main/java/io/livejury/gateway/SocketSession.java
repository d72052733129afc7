package io.livejury.gateway;

import io.livejury.common.Addresses;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.detect.ReportService;
import io.livejury.metrics.Metrics;
import io.livejury.model.Principal;
import io.livejury.model.Role;
import io.livejury.model.Room;
import io.livejury.room.LocalRoom;
import io.livejury.room.RoomMember;
import io.livejury.room.RoomRegistry;
import io.livejury.vote.BallotCounter;
import io.livejury.vote.PromptService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted socket in a room. It joins the room on this node, sends {@code welcome} (holding back room
 * events that arrive before it, so welcome is always first), then answers the client's frames. A bad frame
 * gets an {@code error} or a rejected {@code ack}; the connection stays open.
 */
final class SocketSession implements RoomMember {

  private static final Logger LOG = LoggerFactory.getLogger(SocketSession.class);
  private static final int MAX_REPORT_TEXT = 500;

  private final Vertx vertx;
  private final Context context;
  private final Thread eventLoop;
  private final ServerWebSocket ws;
  private final Principal principal;
  private final Room room;
  private final RoomRegistry registry;
  private final PromptService prompts;
  private final BallotCounter ballots;
  private final ReportService reports;
  private final Metrics metrics;
  private final RateLimiter limiter;
  private final int maxFrameBytes;
  private final List<String> held = new ArrayList<>();
  /** This socket's ballots reach Redis one after another, so the first one sent is the one counted. */
  private Future<?> lastBallot = Future.succeededFuture();
  private volatile boolean welcomed;

  SocketSession(Vertx vertx, ServerWebSocket ws, Principal principal, Room room, SocketServices services) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.eventLoop = Thread.currentThread();
    this.ws = ws;
    this.principal = principal;
    this.room = room;
    this.registry = services.registry();
    this.prompts = services.prompts();
    this.ballots = services.ballots();
    this.reports = services.reports();
    this.metrics = services.metrics();
    this.limiter = new RateLimiter(services.settings().socketBurst(), services.settings().socketRate());
    this.maxFrameBytes = services.settings().maxFrameBytes();
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(data -> send(Frames.error("bad_frame", "frames are JSON text", null)));
    ws.closeHandler(v -> registry.leave(room.roomId(), this));
    LocalRoom local = registry.join(room.roomId(), this);
    vertx.eventBus().request(Addresses.ROOM_SUBSCRIBE, room.roomId())
        .compose(subscribed -> prompts.openPrompts(room.roomId(), principal.userId()))
        .onSuccess(open -> {
          open.forEach(prompt -> local.trackOpen(prompt.getString("id")));
          welcome(Frames.welcome(room.roomId(), principal.userId(), principal.role().wire(), open.serverTime(), open.prompts()));
        })
        .onFailure(err -> {
          LOG.warn("Joining room {} failed: {}", room.roomId(), err.getMessage());
          ws.writeTextMessage(Frames.error("unavailable", "the room cannot be joined right now, reconnect shortly", null));
          ws.close((short) 1011, "unavailable");
        });
  }

  @Override
  public boolean moderates() {
    return principal.is(Role.STAFF) || principal.is(Role.STREAMER) && principal.userId().equals(room.streamerId());
  }

  @Override
  public Thread eventLoop() {
    return eventLoop;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public void send(String frame) {
    if (!welcomed) {
      synchronized (held) {
        if (!welcomed) {
          held.add(frame);
          return;
        }
      }
    }
    write(frame);
  }

  @Override
  public void offer(String frame) {
    if (welcomed && ws.writeQueueFull()) {
      return; // a slow reader skips tallies: the next one carries the newer counts anyway
    }
    send(frame);
  }

  private void welcome(String frame) {
    synchronized (held) {
      write(frame);
      held.forEach(this::write);
      held.clear();
      welcomed = true;
    }
  }

  private void write(String frame) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(frame);
    }
  }

  private void onText(String text) {
    if (!limiter.tryAcquire()) {
      send(Frames.error("rate_limited", "too many frames, slow down", null));
      return;
    }
    if (text.length() > maxFrameBytes / 4 && text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
      send(Frames.error("too_large", "frames are limited to " + maxFrameBytes + " bytes", null));
      return;
    }
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
    String ref = frame.getValue("ref") == null ? null : frame.getValue("ref").toString();
    String type = frame.getValue("type") instanceof String s ? s : "";
    switch (type) {
      case "ballot" -> onBallot(ref, frame);
      case "report" -> onReport(ref, frame);
      case "ping" -> send(Frames.PONG);
      default -> send(Frames.error("unknown_type", "unknown frame type '" + type + "'", ref));
    }
  }

  private void onReport(String ref, JsonObject frame) {
    if (!principal.is(Role.VIEWER)) {
      send(Frames.ack(ref, "rejected", "only viewers report"));
      return;
    }
    String category = frame.getValue("category") instanceof String s ? s : null;
    Object text = frame.getValue("text");
    if (!ReportService.CATEGORIES.contains(category)) {
      send(Frames.ack(ref, "rejected", "category must be one of " + ReportService.CATEGORIES));
      return;
    }
    if (text != null && (!(text instanceof String s) || s.length() > MAX_REPORT_TEXT)) {
      send(Frames.ack(ref, "rejected", "text must be a string of at most " + MAX_REPORT_TEXT + " characters"));
      return;
    }
    reports.report(room.roomId(), principal.userId(), category, (String) text)
        .onSuccess(outcome -> send(Frames.ack(ref, outcome.status(), outcome.reason())))
        .onFailure(err -> {
          LOG.warn("Report not recorded: {}", err.getMessage());
          send(Frames.ack(ref, "rejected", "unavailable"));
        });
  }

  private void onBallot(String ref, JsonObject frame) {
    if (!principal.is(Role.VIEWER)) {
      send(Frames.ack(ref, "rejected", "only viewers vote"));
      return;
    }
    String promptId = frame.getValue("promptId") instanceof String s ? s : null;
    String option = frame.getValue("option") instanceof String s ? s : null;
    if (!Ids.isValid(promptId) || !Ids.isValid(option)) {
      send(Frames.ack(ref, "rejected", "a ballot needs a promptId and an option"));
      return;
    }
    long received = System.nanoTime();
    lastBallot = lastBallot.transform(previous -> ballots.cast(room.roomId(), principal.userId(), promptId, option))
        .onSuccess(outcome -> {
          send(outcome.status().equals("duplicate")
              ? Frames.duplicateAck(ref, outcome.detail())
              : Frames.ack(ref, outcome.status(), outcome.detail()));
          metrics.ballot(outcome.status(), received);
        })
        .onFailure(err -> {
          LOG.warn("Ballot not counted: {}", err.getMessage());
          send(Frames.ack(ref, "rejected", "unavailable"));
          metrics.ballot("unavailable", received);
        });
  }
}
