package io.livejury.gateway;

import io.livejury.common.Addresses;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.common.ReplicatedWrites;
import io.livejury.detect.ReportService;
import io.livejury.jury.JurorProfile;
import io.livejury.jury.JuryPolicy;
import io.livejury.jury.JuryRule;
import io.livejury.metrics.Metrics;
import io.livejury.model.Principal;
import io.livejury.model.Prompt;
import io.livejury.model.Role;
import io.livejury.model.Room;
import io.livejury.room.LocalRoom;
import io.livejury.room.LostPrompts;
import io.livejury.room.Presence;
import io.livejury.room.PromptFrame;
import io.livejury.room.RoomMember;
import io.livejury.room.RoomRegistry;
import io.livejury.vote.BallotCounter;
import io.livejury.vote.OpenPrompts;
import io.livejury.vote.PromptService;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One accepted socket in a room. It joins the room on this node, sends {@code welcome} (holding back room
 * events that arrive before it, so welcome is always first), then answers the client's frames. A bad frame
 * gets an {@code error} or a rejected {@code ack}; the connection stays open. What it queues for a client
 * that does not read is bounded (see {@link #write}); the socket's own {@link SocketKeeper} pings it and
 * closes it once it is silent or stuck.
 *
 * <p>A viewer's socket, while the jury rules are on, also reads its juror profile as it joins (alongside the
 * room's open prompts, so the join takes no longer), and every prompt it gets says whether this viewer may
 * vote on it ({@code juror}). Live tallies of an {@code after_vote} prompt reach it once its user voted.
 */
final class SocketSession implements RoomMember {

  private static final Logger LOG = LoggerFactory.getLogger(SocketSession.class);
  private static final int MAX_REPORT_TEXT = 500;
  private static final Buffer PING = Buffer.buffer();
  private static final long CLOSE_GRACE_MS = 1_000;
  /** The answer to a ballot on a prompt Redis lost while this node's sockets saw it open. */
  private static final BallotCounter.Outcome LOST = new BallotCounter.Outcome("closed", LostPrompts.LOST);

  private final Vertx vertx;
  private final Context context;
  private final Thread eventLoop;
  private final ServerWebSocket ws;
  private final Principal principal;
  private final Room room;
  /** The client's address, an IP literal (null when unknown). */
  private final String clientHost;
  private final RoomRegistry registry;
  private final PromptService prompts;
  private final BallotCounter ballots;
  private final ReportService reports;
  private final Metrics metrics;
  private final LostPrompts lost;
  private final RateLimiter limiter;
  private final int maxFrameBytes;
  private final int backlogLimit;
  private final long stuckNanos;
  private final long pingNanos;
  private final long idleNanos;
  private final Runnable onClose;
  /** Makes this viewer's juror profile; null for other roles, and while the jury rules are off. */
  private final JurorProfiles jurors;
  /** Who may decide this room's prompts. */
  private final JuryPolicy juryPolicy;
  /** Records the viewer's joins and leaves of the room. */
  private final Presence presence;
  /** The viewer's ties hold this room's streamer or merchant: their ballots here would judge their own. */
  private final boolean conflicted;
  /** Frames that came before the welcome, written right after it; a prompt's variant is chosen then. */
  private final List<Supplier<String>> held = new ArrayList<>();
  /** The {@code after_vote} prompts this socket's user voted on: their live tallies reach it. */
  private final Set<String> votedAfterVote = ConcurrentHashMap.newKeySet();
  /** This viewer as a juror of the room, from before the welcome on; null for others and with the rules off. */
  private volatile JurorProfile juror;
  /** The profile as it is being read: reports wait for it, as ballots do, so none is judged without it. */
  private Future<JurorProfile> profileRead = Future.succeededFuture();
  /** From when this viewer could decide a prompt of the room (every rule but the draw), made once with the profile. */
  private volatile long decidesFromMs = Long.MAX_VALUE;
  /** What each of this juror's ballots tells ballot.lua about them, made once with the profile. */
  private volatile List<String> jurorArgs;
  /** This node's sockets of the room, from {@link #start} on. */
  private LocalRoom local;
  /** When the socket stopped taking writes (nanoTime), 0 while it keeps up; touched on its event loop only. */
  private long unwritableSince;
  /** Characters of must-arrive frames written since the socket stopped taking writes. */
  private long backlog;
  /** Reading stopped because the socket stopped taking writes; resumed when it drains. */
  private boolean readPaused;
  private long lastRead;
  private long lastPing;
  private boolean closing;
  /**
   * This socket's ballots reach Redis one after another, so the first one sent is the one counted. Only the writes
   * are chained: waiting for replicas is not, so a ballot on one prompt is not answered after another's WAIT.
   */
  private Future<?> lastBallot = Future.succeededFuture();
  private volatile boolean welcomed;

  /**
   * @param clientHost the client's address (the remote address, or what a trusted proxy forwarded), whose network
   *                   stands in for a viewer's missing {@code net} claim
   */
  SocketSession(Vertx vertx, ServerWebSocket ws, Principal principal, Room room, String clientHost,
      SocketServices services, Runnable onClose) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.eventLoop = Thread.currentThread();
    this.ws = ws;
    this.principal = principal;
    this.room = room;
    this.clientHost = clientHost;
    this.registry = services.registry();
    this.prompts = services.prompts();
    this.ballots = services.ballots();
    this.reports = services.reports();
    this.metrics = services.metrics();
    this.lost = services.lost();
    this.limiter = new RateLimiter(services.settings().socketBurst(), services.settings().socketRate());
    this.maxFrameBytes = services.settings().maxFrameBytes();
    SocketPolicy policy = services.settings().socketPolicy();
    this.backlogLimit = policy.backlogBytes();
    this.stuckNanos = TimeUnit.SECONDS.toNanos(policy.stuckSeconds());
    this.pingNanos = TimeUnit.SECONDS.toNanos(policy.pingSeconds());
    this.idleNanos = TimeUnit.SECONDS.toNanos(policy.idleSeconds());
    this.onClose = onClose;
    this.jurors = principal.is(Role.VIEWER) && services.settings().jury().enabled()
        ? new JurorProfiles(services.presence(), services.reputation()) : null;
    this.presence = services.presence();
    this.juryPolicy = services.settings().jury();
    this.conflicted = principal.juror().conflicted(principal.userId(), room.streamerId(), room.merchantId());
    this.lastRead = System.nanoTime();
    this.lastPing = lastRead;
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(data -> {
      lastRead = System.nanoTime();
      reply(Frames.error("bad_frame", "frames are JSON text", null));
    });
    ws.pongHandler(data -> lastRead = System.nanoTime());
    ws.drainHandler(v -> {
      unwritableSince = 0;
      backlog = 0;
      if (readPaused) {
        readPaused = false;
        ws.resume();
      }
    });
    ws.exceptionHandler(this::onFailure);
    ws.closeHandler(v -> {
      registry.leave(room.roomId(), this);
      onClose.run();
      if (jurors != null) {
        // After this socket's own join is recorded; and only for the user's last socket in the room here.
        profileRead.onComplete(read -> {
          if (!holdsViewer()) {
            presence.leave(room.roomId(), principal.userId())
                .onFailure(err -> LOG.debug("Leave of room {} not recorded: {}", room.roomId(), err.getMessage()));
          }
        });
      }
    });
    local = registry.join(room.roomId(), this);
    Future<OpenPrompts> open = vertx.eventBus().request(Addresses.ROOM_SUBSCRIBE, room.roomId())
        .compose(subscribed -> prompts.openPrompts(room.roomId(), principal.userId(), principal.is(Role.STAFF),
            moderates()));
    Future<JurorProfile> profile = jurors == null ? Future.succeededFuture()
        : jurors.profile(principal, room.roomId(), clientHost)
            .map(read -> {
              jurorArgs = BallotCounter.jurorArgs(read, conflicted);
              decidesFromMs = juryPolicy.decidesFromMs(read, conflicted);
              juror = read;
              return read;
            });
    // Ballots wait for the profile: a ballot sent before it is known would be judged without it.
    lastBallot = profile;
    profileRead = profile;
    Future.all(open, profile)
        .onSuccess(both -> {
          for (JsonObject prompt : open.result()) {
            String promptId = prompt.getString("id");
            String tally = prompt.getString("tally", Prompt.TALLY_LIVE);
            local.trackOpen(promptId, tally);
            if (prompt.getString("voted") != null && Prompt.TALLY_AFTER_VOTE.equals(tally)) {
              votedAfterVote.add(promptId);
            }
            JuryRule rule = juror == null ? null : JuryRule.of(prompt);
            if (rule != null) {
              prompt.put("juror", JuryRule.status(rule.reason(juror, conflicted)));
            }
          }
          welcome(Frames.welcome(room.roomId(), principal.userId(), principal.role().wire(), open.result().serverTime(),
              open.result().prompts()));
        })
        .onFailure(err -> {
          LOG.warn("Joining room {} failed: {}", room.roomId(), err.getMessage());
          ws.writeTextMessage(Frames.error("unavailable", "the room cannot be joined right now, reconnect shortly", null));
          ws.close((short) 1011, "unavailable");
        });
  }

  /**
   * Runs once a second on the socket's event loop: pings it when due, and closes it if it went silent for
   * the idle time or has taken no write for the stuck time.
   */
  void check(long now) {
    if (closing || ws.isClosed()) {
      return;
    }
    if (now - lastRead > idleNanos) {
      shed("idle", SocketPolicy.IDLE);
      return;
    }
    if (ws.writeQueueFull()) {
      full(now);
      if (now - unwritableSince > stuckNanos) {
        shed("slow_consumer", SocketPolicy.SLOW_CONSUMER);
      }
      return;
    }
    if (now - lastPing >= pingNanos) {
      lastPing = now;
      ws.writePing(PING);
    }
  }

  @Override
  public boolean moderates() {
    return principal.is(Role.STAFF) || principal.is(Role.STREAMER) && principal.userId().equals(room.streamerId());
  }

  @Override
  public boolean viewer() {
    return principal.is(Role.VIEWER);
  }

  @Override
  public String userId() {
    return principal.userId();
  }

  @Override
  public long decidesFromMs() {
    return decidesFromMs;
  }

  /** True while this node holds a viewer socket of this user in the room. */
  private boolean holdsViewer() {
    return registry.find(room.roomId()).map(held -> held.holdsViewer(principal.userId())).orElse(false);
  }

  @Override
  public boolean voted(String promptId) {
    return votedAfterVote.contains(promptId);
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
          held.add(() -> frame);
          return;
        }
      }
    }
    write(frame);
  }

  @Override
  public void sendPrompt(PromptFrame prompt) {
    if (!welcomed) {
      synchronized (held) {
        if (!welcomed) {
          // The profile is known by the welcome: the variant is chosen then.
          held.add(() -> promptFor(prompt));
          return;
        }
      }
    }
    write(promptFor(prompt));
  }

  /** The variant of a prompt frame for this socket: with {@code juror} for a viewer when the prompt has rules. */
  private String promptFor(PromptFrame prompt) {
    JurorProfile profile = juror;
    if (profile == null || prompt.rule() == null) {
      return prompt.plain();
    }
    return prompt.forJuror(profile.userId(), prompt.rule().reason(profile, conflicted));
  }

  @Override
  public void offer(String frame) {
    if (closing || ws.isClosed()) {
      return; // a tally may reach a socket that closed after the room listed it; asking a closed one throws
    }
    if (welcomed && ws.writeQueueFull()) {
      metrics.frameDropped(); // a slow reader skips tallies: the next one carries the newer counts anyway
      return;
    }
    send(frame);
  }

  private void welcome(String frame) {
    synchronized (held) {
      write(frame);
      held.forEach(later -> write(later.get()));
      held.clear();
      welcomed = true;
    }
  }

  /**
   * Writes a frame that must arrive (ack, prompt, verdict, warning, penalty). While the socket does not read,
   * such frames still queue, but only up to the backlog limit: past it the socket is closed, so one stuck
   * client cannot pin the node's memory. It may reconnect, and its welcome carries what it missed.
   */
  private void write(String frame) {
    if (closing || ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      full(System.nanoTime());
      backlog += frame.length();
      if (backlog > backlogLimit) {
        shed("slow_consumer", SocketPolicy.SLOW_CONSUMER);
        return;
      }
    }
    ws.writeTextMessage(frame);
  }

  /** Writes an answer the client can do without (pong, error notes): dropped while the socket does not read. */
  private void reply(String frame) {
    if (closing || ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      full(System.nanoTime());
      metrics.frameDropped();
      return;
    }
    send(frame);
  }

  /**
   * The socket is not taking writes: from the first time seen its stuck time runs, and its frames are no
   * longer read until it drains. A client that sends faster than it reads its answers is slowed down by TCP itself, so a burst of
   * ballots from an honest client still gets every ack, and a flood from one that never reads costs nothing.
   */
  private void full(long now) {
    if (unwritableSince == 0) {
      unwritableSince = now;
    }
    if (!readPaused) {
      readPaused = true;
      ws.pause();
    }
  }

  /**
   * Closes the socket on the node's own decision, once, counting why. The close frame queues behind whatever
   * the client did not read, and Vert.x starts its closing timeout only once that frame is written, so a
   * client that reads nothing would keep the connection, and the buffers behind it, until the idle timeout.
   * After a grace second the connection is therefore reset (SO_LINGER 0: the kernel drops what it holds),
   * through Vert.x's internal view of the socket, the one way to reach the connection under it.
   */
  private void shed(String reason, short code) {
    if (closing) {
      return;
    }
    closing = true;
    metrics.connectionClosed(reason);
    ws.close(code, reason);
    vertx.setTimer(CLOSE_GRACE_MS, id -> {
      if (ws instanceof WebSocketInternal internal && internal.channelHandlerContext().channel().isActive()) {
        Channel channel = internal.channelHandlerContext().channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        // From the head of the pipeline: a close through Vert.x's own handler would first flush the backlog.
        channel.pipeline().firstContext().close();
      }
    });
  }

  private void onFailure(Throwable err) {
    // Netty's decoder gives up on a frame that breaks the protocol or its size limit; Vert.x gives up on a
    // message assembled past the limit. Either way the socket cannot go on: tell the client why.
    if (err instanceof CorruptedWebSocketFrameException corrupt) {
      boolean tooBig = corrupt.closeStatus() != null
          && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
      shed(tooBig ? "too_big" : "protocol_error", tooBig ? SocketPolicy.TOO_BIG : SocketPolicy.PROTOCOL_ERROR);
    } else if (err instanceof IllegalStateException && String.valueOf(err.getMessage()).contains("max message size")) {
      shed("too_big", SocketPolicy.TOO_BIG);
    } else {
      LOG.debug("Socket failure in room {}: {}", room.roomId(), err.getMessage());
    }
  }

  private void onText(String text) {
    lastRead = System.nanoTime();
    // Taken before anything else so a flood pays for its parse at most, never for Redis.
    boolean allowed = limiter.tryAcquire();
    if (text.length() > maxFrameBytes / 4 && text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
      reply(Frames.error("too_large", "frames are limited to " + maxFrameBytes + " bytes", null));
      return;
    }
    JsonObject frame;
    try {
      if (!(Json.decodeValue(text) instanceof JsonObject object)) {
        reply(Frames.error("bad_frame", "a frame is a JSON object with a type", null));
        return;
      }
      frame = object;
    } catch (DecodeException e) {
      reply(Frames.error("bad_json", "the frame is not valid JSON", null));
      return;
    }
    String ref = frame.getValue("ref") == null ? null : frame.getValue("ref").toString();
    String type = frame.getValue("type") instanceof String s ? s : "";
    if (!allowed) {
      // Every ballot and report gets its ack, even a refused one, so a client always knows where it stands.
      if ("ballot".equals(type) || "report".equals(type)) {
        send(Frames.ack(ref, "rejected", "rate_limited"));
      } else {
        reply(Frames.error("rate_limited", "too many frames, slow down", ref));
      }
      return;
    }
    switch (type) {
      case "ballot" -> onBallot(ref, frame);
      case "report" -> onReport(ref, frame);
      case "ping" -> reply(Frames.PONG);
      default -> reply(Frames.error("unknown_type", "unknown frame type '" + type + "'", ref));
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
    if (text != null && !Fields.wellFormed((String) text)) {
      // Kept with the report wave for staff, in Redis and then Postgres: neither can carry a lone surrogate.
      send(Frames.ack(ref, "rejected", "text holds an unpaired UTF-16 surrogate, which is no character"));
      return;
    }
    profileRead.compose(profile -> reports.report(room.roomId(), principal.userId(), profile, category,
            Fields.storable((String) text)))
        .onSuccess(outcome -> send(Frames.ack(ref, outcome.status(), outcome.reason())))
        .onFailure(err -> {
          LOG.warn("Report not recorded: {}", err.getMessage());
          send(Frames.ack(ref, "rejected", "unavailable"));
        });
  }

  /**
   * The user voted on the prompt: an {@code after_vote} prompt's live tallies reach this socket from now on,
   * starting with the last one the node sent (the next comes only when the count moves again).
   */
  private void votedOn(String promptId) {
    if (Prompt.TALLY_AFTER_VOTE.equals(local.tallyMode(promptId)) && votedAfterVote.add(promptId)) {
      String tally = local.lastTally(promptId);
      if (tally != null) {
        offer(tally);
      }
    }
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
    Future<ReplicatedWrites.Written<BallotCounter.Outcome>> cast = lastBallot.transform(previous ->
        Future.succeededFuture(ballots.cast(room.roomId(), principal.userId(), promptId, option, jurorArgs, received)));
    lastBallot = cast.compose(ReplicatedWrites.Written::answered);
    cast.compose(ReplicatedWrites.Written::safe)
        .map(outcome -> "rejected".equals(outcome.status()) && "unknown_prompt".equals(outcome.detail())
            && lost.lostBallot(local, promptId) ? LOST : outcome)
        .onSuccess(outcome -> {
          boolean duplicate = outcome.status().equals("duplicate");
          send(duplicate ? Frames.duplicateAck(ref, outcome.detail()) : Frames.ack(ref, outcome.status(), outcome.detail()));
          metrics.ballot(outcome.status(), received);
          if (duplicate || outcome.status().equals("accepted")) {
            votedOn(promptId);
          }
        })
        .onFailure(err -> {
          // A ballot short of its replicas was counted on the master; ReplicatedWrites logs such spells once. A
          // store outage (a failover's closed connection, often with no message) fails every ballot in flight, and
          // the room subscriber's log already says the store went away: here only at debug, by its class. Anything
          // else is a fault to see, with its trace.
          if (ErrorResponder.isOutage(err)) {
            LOG.debug("Ballot not counted, acked unavailable: {}", err.toString());
          } else if (!(err instanceof ReplicatedWrites.NotReplicated)) {
            LOG.warn("Ballot not counted, acked unavailable: {}", err.toString(), err);
          }
          send(Frames.ack(ref, "rejected", "unavailable"));
          metrics.ballot("unavailable", received);
        });
  }
}
