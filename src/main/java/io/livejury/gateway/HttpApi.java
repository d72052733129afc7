package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Json;
import io.livejury.config.Settings;
import io.livejury.detect.TranscriptService;
import io.livejury.escalation.Escalation;
import io.livejury.escalation.ReviewQueue;
import io.livejury.metrics.Metrics;
import io.livejury.model.Principal;
import io.livejury.model.Role;
import io.livejury.review.ReviewService;
import io.livejury.room.RoomService;
import io.livejury.teach.TeachService;
import io.livejury.vote.PromptService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.XFrameHandler;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/** The HTTP API of PROTOCOL.md. Handlers return futures; failures all go to {@link ErrorResponder}. */
final class HttpApi {

  private static final String PRINCIPAL = "principal";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String MULTIPART = "multipart/";

  private final Vertx vertx;
  private final Settings settings;
  private final Auth auth;
  private final RoomService rooms;
  private final PromptService prompts;
  private final ReviewService reviews;
  private final TranscriptService transcripts;
  private final TeachService teach;
  private final Health health;
  private final Metrics metrics;
  private final Escalation escalation;

  HttpApi(Vertx vertx, Settings settings, Auth auth, RoomService rooms, PromptService prompts, ReviewService reviews,
      TranscriptService transcripts, TeachService teach, Health health, Metrics metrics, Escalation escalation) {
    this.metrics = metrics;
    this.escalation = escalation;
    this.teach = teach;
    this.vertx = vertx;
    this.settings = settings;
    this.auth = auth;
    this.rooms = rooms;
    this.prompts = prompts;
    this.reviews = reviews;
    this.transcripts = transcripts;
    this.health = health;
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders()).handler(XFrameHandler.create(XFrameHandler.DENY));
    router.route("/api/*").handler(HttpApi::jsonWhateverFormType);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    if (!settings.hasAdminPort()) {
      router.get("/metrics").handler(scrape(metrics));
    }
    router.get("/health").handler(check(health));
    if (settings.devMode()) {
      router.post("/api/dev/token").handler(json(200, this::devToken));
    }
    router.route("/api/*").handler(this::authenticate);

    router.post("/api/rooms").handler(json(201, ctx ->
        rooms.create(caller(ctx, Role.STREAMER, Role.STAFF), body(ctx))));
    router.get("/api/rooms/:roomId").handler(json(200, ctx -> rooms.get(ctx.pathParam("roomId"))));
    // Also for a room ended before: a close that failed half-way is finished by ending again.
    router.post("/api/rooms/:roomId/end").handler(json(200, ctx ->
        rooms.end(caller(ctx, Role.STREAMER, Role.STAFF), ctx.pathParam("roomId"))
            .compose(room -> prompts.closeNow(room.roomId()).map(room))
            .compose(room -> escalation.queue().rerankRoom(room.roomId()).map(room))));
    router.post("/api/rooms/:roomId/stop").handler(json(200, ctx ->
        escalation.stops().stop(caller(ctx, Role.STAFF), ctx.pathParam("roomId"), body(ctx))));
    router.get("/api/queue").handler(json(200, ctx -> {
      caller(ctx, Role.STAFF);
      return escalation.queue().list(ctx.queryParams().get("limit"), ctx.queryParams().get("cursor"));
    }));
    router.post("/api/queue/:itemId/claim").handler(json(200, ctx ->
        escalation.queue().claim(caller(ctx, Role.STAFF), ctx.pathParam("itemId"))));
    router.post("/api/queue/:itemId/resolve").handler(json(200, ctx -> {
      Principal staff = caller(ctx, Role.STAFF);
      return escalation.stops().resolveItem(staff, ctx.pathParam("itemId"), ctx.body().isEmpty() ? null : body(ctx));
    }));
    router.post("/api/rooms/:roomId/prompts").handler(json(201, ctx -> {
      if (!ctx.<Principal>get(PRINCIPAL).is(Role.STAFF) && asksCalibration(ctx)) {
        throw ApiException.forbidden("only staff may open a calibration prompt: its answer is staff's to know");
      }
      Principal staff = caller(ctx, Role.STAFF);
      return prompts.open(ctx.pathParam("roomId"), body(ctx), Map.of("type", "staff", "by", staff.userId()));
    }));
    router.post("/api/rooms/:roomId/transcript").handler(json(202, ctx -> transcripts.submit(
        caller(ctx, Role.STREAMER, Role.STAFF), ctx.pathParam("roomId"), ctx.body().length(), body(ctx))));
    router.get("/api/prompts/:promptId").handler(json(200, ctx ->
        prompts.view(ctx.pathParam("promptId"), ctx.get(PRINCIPAL))));

    router.get("/api/verdicts").handler(json(200, ctx -> {
      caller(ctx, Role.STAFF);
      return reviews.list(ctx.queryParams().get("status"), ctx.queryParams().get("roomId"),
          ctx.queryParams().get("limit"), ctx.queryParams().get("cursor"));
    }));
    router.get("/api/verdicts/:verdictId").handler(json(200, ctx -> {
      caller(ctx, Role.STAFF);
      return reviews.detail(ctx.pathParam("verdictId"));
    }));
    // A review decides the verdict's queue item too, whoever held it.
    router.post("/api/verdicts/:verdictId/review").handler(json(200, ctx -> {
      Principal staff = caller(ctx, Role.STAFF);
      String verdictId = ctx.pathParam("verdictId");
      return reviews.review(staff, verdictId, body(ctx)).compose(verdict -> escalation.queue()
          .resolveQuietly(ReviewQueue.itemIdOfVerdict(verdictId), staff.userId(),
              String.valueOf(verdict.getString("reviewStatus")))
          .map(verdict));
    }));
    router.get("/api/penalties").handler(json(200, ctx -> {
      Principal caller = caller(ctx, Role.STAFF, Role.STREAMER);
      String subject = ctx.queryParams().get("subject");
      if (caller.is(Role.STREAMER) && !caller.userId().equals(subject)) {
        throw ApiException.forbidden("streamers see their own penalties only");
      }
      // The streamer's record: penalties, and the stops of their rooms.
      return reviews.penalties(subject).compose(record -> escalation.stops().stopsOf(subject)
          .map(stops -> record.put("stops", stops)));
    }));
    router.post("/api/penalties/:penaltyId/appeal").handler(json(201, ctx ->
        reviews.appeal(caller(ctx, Role.STREAMER), ctx.pathParam("penaltyId"), body(ctx))));
    router.get("/api/jurors/:userId").handler(json(200, ctx -> {
      caller(ctx, Role.STAFF);
      return reviews.juror(ctx.pathParam("userId"));
    }));

    // Teaching the detector: staff only, every route.
    router.post("/api/detector/examples").handler(json(201, ctx -> teach.teach(caller(ctx, Role.STAFF), body(ctx))));
    router.get("/api/detector/examples").handler(json(200, ctx -> {
      caller(ctx, Role.STAFF);
      return teach.list(ctx.queryParams().get("sheet"), ctx.queryParams().get("removed"),
          ctx.queryParams().get("limit"));
    }));
    router.delete("/api/detector/examples/:exampleId").handler(json(200, ctx ->
        teach.undo(caller(ctx, Role.STAFF), ctx.pathParam("exampleId"))));
    router.get("/api/detector/report").handler(json(200, ctx -> {
      caller(ctx, Role.STAFF);
      return teach.report();
    }));

    router.route("/api/*").handler(ctx -> ctx.fail(404));
    // The pages: from ./webroot when run from a checkout, else from inside the jar. They are revalidated on
    // every load (no-cache, answered 304 by Last-Modified while unchanged), so an edit shows on the next
    // reload: the handler's own default would be "immutable" for a day. Files are not taken as read-only,
    // so their dates are read again on each request instead of being cached.
    router.route().handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      ctx.next();
    });
    router.route().handler(StaticHandler.create("webroot").setIndexPage("index.html").setFilesReadOnly(false));
    router.route().failureHandler(new ErrorResponder());
    return router;
  }

  /** The admin port's answers: /metrics and /health, with the same headers and errors as the public port. */
  static Router admin(Vertx vertx, Metrics metrics, Health health) {
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders()).handler(XFrameHandler.create(XFrameHandler.DENY));
    router.get("/metrics").handler(scrape(metrics));
    router.get("/health").handler(check(health));
    router.route().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new ErrorResponder());
    return router;
  }

  private static Handler<RoutingContext> scrape(Metrics metrics) {
    return ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape());
  }

  private static Handler<RoutingContext> check(Health health) {
    return ctx -> health.check().onSuccess(report -> reply(ctx, report.getBoolean("ok") ? 200 : 503, report));
  }

  /**
   * Every API body is JSON, whatever content type the client named: {@code curl -d} says
   * application/x-www-form-urlencoded, and BodyHandler would feed such a body to the form decoder, which
   * gives up on a "field" over 1 KB. Calling it JSON keeps the body exactly as sent, for the JSON parser.
   */
  private static void jsonWhateverFormType(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && (type.regionMatches(true, 0, FORM, 0, FORM.length())
        || type.regionMatches(true, 0, MULTIPART, 0, MULTIPART.length()))) {
      ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    ctx.next();
  }

  private Future<JsonObject> devToken(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String userId = Fields.requiredText(body, "sub", 64);
    Role role = Role.fromWire(body.getValue("role") instanceof String r ? r : null).orElseThrow(() ->
        ApiException.badRequest("role must be viewer, streamer or staff"));
    String merchantId = Fields.optionalText(body, "merchantId", 64);
    if (role == Role.STREAMER && merchantId == null) {
      throw ApiException.badRequest("a streamer token needs the streamer's merchantId");
    }
    return Future.succeededFuture(new JsonObject().put("token", auth.issue(userId, role, merchantId, body)));
  }

  private void authenticate(RoutingContext ctx) {
    auth.authenticate(Auth.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)))
        .onSuccess(principal -> {
          ctx.put(PRINCIPAL, principal);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** The authenticated caller, if their role is one of {@code allowed}; otherwise 403. */
  private static Principal caller(RoutingContext ctx, Role... allowed) {
    Principal principal = ctx.get(PRINCIPAL);
    if (Arrays.stream(allowed).noneMatch(principal::is)) {
      throw ApiException.forbidden("the " + principal.role().wire() + " role may not do that");
    }
    return principal;
  }

  /** True when the body is a JSON object naming a calibration answer; a malformed body is the route's to refuse. */
  private static boolean asksCalibration(RoutingContext ctx) {
    try {
      return !ctx.body().isEmpty() && io.vertx.core.json.Json.decodeValue(ctx.body().buffer()) instanceof JsonObject body
          && body.getValue("calibration") != null;
    } catch (DecodeException malformed) {
      return false;
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body().isEmpty()) {
      throw ApiException.badRequest("a JSON object body is required");
    }
    if (!(io.vertx.core.json.Json.decodeValue(ctx.body().buffer()) instanceof JsonObject body)) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    Fields.requireWellFormed(body, "the body");
    return body;
  }

  /** Runs a handler, sending its result as JSON with {@code status}, or its failure to the error responder. */
  private static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<?>> handler) {
    return ctx -> Future.<Void>succeededFuture()
        .compose(v -> handler.apply(ctx))
        .onSuccess(result -> reply(ctx, status, result))
        .onFailure(ctx::fail);
  }

  private static void reply(RoutingContext ctx, int status, Object result) {
    String body = result instanceof JsonObject json ? json.encode() : Json.encode(result);
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(body);
  }
}
