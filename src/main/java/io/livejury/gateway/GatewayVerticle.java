package io.livejury.gateway;

import io.livejury.config.Settings;
import io.livejury.detect.ReportService;
import io.livejury.detect.TranscriptService;
import io.livejury.review.ReviewService;
import io.livejury.room.RoomRegistry;
import io.livejury.room.RoomService;
import io.livejury.vote.BallotCounter;
import io.livejury.vote.PromptService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * The node's front door: the HTTP API and the room WebSockets on one port. Several instances share the
 * port, one per event loop; each is stateless apart from the sockets it holds.
 */
public final class GatewayVerticle extends VerticleBase {

  private final Settings settings;
  private final Auth auth;
  private final Redis redis;
  private final Pool pg;
  private final RoomRegistry registry;
  private final RoomService rooms;
  private final PromptService prompts;
  private final BallotCounter ballots;
  private final ReviewService reviews;
  private final TranscriptService transcripts;
  private final ReportService reports;
  private final int port;

  public GatewayVerticle(int port, Settings settings, Auth auth, Redis redis, Pool pg, RoomRegistry registry, RoomService rooms,
      PromptService prompts, BallotCounter ballots, ReviewService reviews, TranscriptService transcripts, ReportService reports) {
    this.settings = settings;
    this.auth = auth;
    this.redis = redis;
    this.pg = pg;
    this.registry = registry;
    this.rooms = rooms;
    this.prompts = prompts;
    this.ballots = ballots;
    this.reviews = reviews;
    this.transcripts = transcripts;
    this.reports = reports;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpApi api = new HttpApi(vertx, settings, auth, rooms, prompts, reviews, transcripts, new Health(redis, pg));
    SocketGate gate = new SocketGate(vertx, settings, auth, rooms, registry, prompts, ballots, reports);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.httpHost())
        .setPort(port)
        .setMaxWebSocketFrameSize(settings.hardFrameBytes())
        .setMaxWebSocketMessageSize(settings.hardFrameBytes())
        .setTcpNoDelay(true);
    return vertx.createHttpServer(options)
        .requestHandler(api.router())
        .webSocketHandshakeHandler(gate::handshake)
        .listen();
  }
}
