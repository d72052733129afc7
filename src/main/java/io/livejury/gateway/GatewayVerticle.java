package io.livejury.gateway;

import io.livejury.api.ApiContract;
import io.livejury.common.ApiException;
import io.livejury.config.Settings;
import io.livejury.detect.TranscriptService;
import io.livejury.escalation.Escalation;
import io.livejury.metrics.Metrics;
import io.livejury.review.ReviewService;
import io.livejury.teach.TeachService;
import io.livejury.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Redis;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * The node's front door: the HTTP API, the pages and the room WebSockets on one port. Several instances
 * share the port, one per event loop; each is stateless apart from the sockets it holds.
 */
public final class GatewayVerticle extends VerticleBase {

  private final int port;
  private final Settings settings;
  private final Auth auth;
  private final Redis redis;
  private final Pool pg;
  private final RoomService rooms;
  private final ReviewService reviews;
  private final TranscriptService transcripts;
  private final TeachService teach;
  private final SocketServices sockets;
  private final Metrics metrics;
  private final Escalation escalation;
  private final ApiContract contract;

  public GatewayVerticle(int port, Settings settings, Auth auth, Redis redis, Pool pg, RoomService rooms,
      ReviewService reviews, TranscriptService transcripts, TeachService teach, SocketServices sockets, Metrics metrics,
      Escalation escalation, ApiContract contract) {
    this.contract = contract;
    this.escalation = escalation;
    this.teach = teach;
    this.port = port;
    this.settings = settings;
    this.auth = auth;
    this.redis = redis;
    this.pg = pg;
    this.rooms = rooms;
    this.reviews = reviews;
    this.transcripts = transcripts;
    this.sockets = sockets;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    HttpApi api = new HttpApi(vertx, settings, auth, rooms, sockets.prompts(), reviews, transcripts, teach,
        new Health(redis, pg), metrics, escalation, contract);
    SocketGate gate = new SocketGate(vertx, auth, rooms, sockets, escalation.queue(), escalation.feeds());
    HandshakeDeadline deadline = new HandshakeDeadline(vertx, settings.socketPolicy().handshakeSeconds(),
        settings.socketPolicy().bodySeconds(), metrics);
    Router router = api.router();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.httpHost())
        .setPort(port)
        .setMaxWebSocketFrameSize(settings.hardFrameBytes())
        .setMaxWebSocketMessageSize(settings.hardFrameBytes())
        // Frames are small JSON: compression would cost a deflater per socket and CPU per frame for little gain.
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setTcpNoDelay(true)
        .setSendBufferSize(settings.socketPolicy().sendBufferBytes())
        // Without h2c a connection is an HTTP/1 connection from its first byte, so the handshake deadline
        // starts at accept; with it, Vert.x waits to see whether a preface comes, and a silent client waits too.
        .setHttp2ClearTextEnabled(false)
        // Sockets are kept busy by pings, so this closes only HTTP connections left idle.
        .setIdleTimeout(settings.socketPolicy().httpIdleSeconds());
    return vertx.createHttpServer(options)
        .connectionHandler(deadline::watch)
        .invalidRequestHandler(ErrorResponder::invalidRequest)
        .requestHandler(request -> {
          deadline.passed(request.connection().remoteAddress());
          ApiException unusable = ErrorResponder.unusable(request);
          if (unusable != null) {
            ErrorResponder.answerAndClose(request, unusable);
          } else if (SocketGate.isHandshake(request)) {
            gate.handshake(request);
          } else {
            deadline.watchBody(request);
            router.handle(request);
          }
        })
        .listen();
  }
}
