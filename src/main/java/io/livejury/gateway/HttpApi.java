package io.livejury.gateway;

import io.livejury.api.ApiContract;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.XFrameHandler;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP API of docs/protocol.md, as the OpenAPI document {@code openapi/livejury.yaml} describes it: every API route is
 * one of its operations, its requests validated against it after the caller's role is checked. Handlers return
 * futures; failures all go to {@link ErrorResponder}.
 */
final class HttpApi {

  private static final String PRINCIPAL = "principal";
  private static final String JSON = "application/json";
  /** The webjar's files (its version is the one pom.xml names) and where the docs page finds them. */
  private static final String SWAGGER_UI_WEBJAR = "META-INF/resources/webjars/swagger-ui/5.34.1";
  private static final String SWAGGER_UI = "/docs/swagger-ui/";

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
  private final ApiContract contract;

  HttpApi(Vertx vertx, Settings settings, Auth auth, RoomService rooms, PromptService prompts, ReviewService reviews,
      TranscriptService transcripts, TeachService teach, Health health, Metrics metrics, Escalation escalation,
      ApiContract contract) {
    this.contract = contract;
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
    router.route("/api/*").handler(HttpApi::jsonWhateverItsType);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    if (!settings.hasAdminPort()) {
      router.get("/metrics").handler(scrape(metrics));
    }
    router.get("/health").handler(check(health));
    router.get("/openapi.json").handler(document(contract.json(), "application/json; charset=utf-8"));
    router.get("/openapi.yaml").handler(document(contract.yaml(), "text/plain; charset=utf-8"));
    if (settings.devMode()) {
      router.post("/api/dev/token").handler(contract.validates("issueDevToken")).handler(json(200, this::devToken));
    }
    router.route("/api/*").handler(this::authenticate);

    operation(router.post("/api/rooms"), "createRoom", Role.STREAMER, Role.STAFF)
        .handler(json(201, ctx -> rooms.create(ctx.get(PRINCIPAL), body(ctx))));
    operation(router.get("/api/rooms/:roomId"), "getRoom")
        .handler(json(200, ctx -> rooms.get(ctx.pathParam("roomId"))));
    // Also for a room ended before: a close that failed half-way is finished by ending again.
    operation(router.post("/api/rooms/:roomId/end"), "endRoom", Role.STREAMER, Role.STAFF)
        .handler(json(200, ctx -> rooms.end(ctx.get(PRINCIPAL), ctx.pathParam("roomId"))
            .compose(room -> prompts.closeNow(room.roomId()).map(room))
            .compose(room -> escalation.queue().rerankRoom(room.roomId()).map(room))));
    operation(router.post("/api/rooms/:roomId/stop"), "stopRoom", Role.STAFF)
        .handler(json(200, ctx -> escalation.stops().stop(ctx.get(PRINCIPAL), ctx.pathParam("roomId"), body(ctx))));
    operation(router.get("/api/queue"), "listQueue", Role.STAFF)
        .handler(json(200, ctx -> escalation.queue().list(ctx.queryParams().get("limit"),
            ctx.queryParams().get("cursor"))));
    operation(router.post("/api/queue/:itemId/claim"), "claimQueueItem", Role.STAFF)
        .handler(json(200, ctx -> escalation.queue().claim(ctx.get(PRINCIPAL), ctx.pathParam("itemId"))));
    operation(router.post("/api/queue/:itemId/resolve"), "resolveQueueItem", Role.STAFF)
        .handler(json(200, ctx -> escalation.stops().resolveItem(ctx.get(PRINCIPAL), ctx.pathParam("itemId"),
            body(ctx))));
    // The calibration check reads the body before the contract does: a non-staff caller is told why, whatever else
    // the body holds.
    router.post("/api/rooms/:roomId/prompts").handler(ctx -> {
      if (!ctx.<Principal>get(PRINCIPAL).is(Role.STAFF) && asksCalibration(ctx)) {
        throw ApiException.forbidden("only staff may open a calibration prompt: its answer is staff's to know");
      }
      ctx.next();
    });
    operation(router.post("/api/rooms/:roomId/prompts"), "openPrompt", Role.STAFF)
        .handler(json(201, ctx -> prompts.open(ctx.pathParam("roomId"), body(ctx),
            Map.of("type", "staff", "by", ctx.<Principal>get(PRINCIPAL).userId()))));
    operation(router.post("/api/rooms/:roomId/transcript"), "submitTranscript", Role.STREAMER, Role.STAFF)
        .handler(json(202, ctx -> transcripts.submit(ctx.get(PRINCIPAL), ctx.pathParam("roomId"),
            ctx.body().length(), body(ctx))));
    operation(router.get("/api/prompts/:promptId"), "getPrompt")
        .handler(json(200, ctx -> prompts.view(ctx.pathParam("promptId"), ctx.get(PRINCIPAL))));

    operation(router.get("/api/verdicts"), "listVerdicts", Role.STAFF)
        .handler(json(200, ctx -> reviews.list(ctx.queryParams().get("status"), ctx.queryParams().get("roomId"),
            ctx.queryParams().get("limit"), ctx.queryParams().get("cursor"))));
    operation(router.get("/api/verdicts/:verdictId"), "getVerdict", Role.STAFF)
        .handler(json(200, ctx -> reviews.detail(ctx.pathParam("verdictId"))));
    // A review decides the verdict's queue item too, whoever held it.
    operation(router.post("/api/verdicts/:verdictId/review"), "reviewVerdict", Role.STAFF).handler(json(200, ctx -> {
      Principal staff = ctx.get(PRINCIPAL);
      String verdictId = ctx.pathParam("verdictId");
      return reviews.review(staff, verdictId, body(ctx)).compose(verdict -> escalation.queue()
          .resolveQuietly(ReviewQueue.itemIdOfVerdict(verdictId), staff.userId(),
              String.valueOf(verdict.getString("reviewStatus")))
          .map(verdict));
    }));
    operation(router.get("/api/penalties"), "listPenalties", Role.STAFF, Role.STREAMER).handler(json(200, ctx -> {
      Principal caller = ctx.get(PRINCIPAL);
      String subject = ctx.queryParams().get("subject");
      if (caller.is(Role.STREAMER) && !caller.userId().equals(subject)) {
        throw ApiException.forbidden("streamers see their own penalties only");
      }
      // The streamer's record: penalties, and the stops of their rooms.
      return reviews.penalties(subject).compose(record -> escalation.stops().stopsOf(subject)
          .map(stops -> record.put("stops", stops)));
    }));
    operation(router.post("/api/penalties/:penaltyId/appeal"), "appealPenalty", Role.STREAMER)
        .handler(json(201, ctx -> reviews.appeal(ctx.get(PRINCIPAL), ctx.pathParam("penaltyId"), body(ctx))));
    operation(router.get("/api/jurors/:userId"), "getJuror", Role.STAFF)
        .handler(json(200, ctx -> reviews.juror(ctx.pathParam("userId"))));

    // Teaching the detector: staff only, every route.
    operation(router.post("/api/detector/examples"), "teachExample", Role.STAFF)
        .handler(json(201, ctx -> teach.teach(ctx.get(PRINCIPAL), body(ctx))));
    operation(router.get("/api/detector/examples"), "listExamples", Role.STAFF)
        .handler(json(200, ctx -> teach.list(ctx.queryParams().get("sheet"), ctx.queryParams().get("removed"),
            ctx.queryParams().get("limit"))));
    operation(router.delete("/api/detector/examples/:exampleId"), "undoExample", Role.STAFF)
        .handler(json(200, ctx -> teach.undo(ctx.get(PRINCIPAL), ctx.pathParam("exampleId"))));
    operation(router.get("/api/detector/report"), "getDetectorReport", Role.STAFF)
        .handler(json(200, ctx -> teach.report()));

    router.route("/api/*").handler(this::noRoute);
    // The pages: from ./webroot when run from a checkout, else from inside the jar. They are revalidated on
    // every load (no-cache, answered 304 by Last-Modified while unchanged), so an edit shows on the next
    // reload: the handler's own default would be "immutable" for a day. Files are not taken as read-only,
    // so their dates are read again on each request instead of being cached.
    router.route().handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      ctx.next();
    });
    // The API docs page's renderer, from the swagger-ui webjar inside the jar: the page loads nothing from elsewhere.
    router.route(SWAGGER_UI + "*").handler(StaticHandler.create(SWAGGER_UI_WEBJAR).setFilesReadOnly(true));
    router.route().handler(StaticHandler.create("webroot").setIndexPage("index.html").setFilesReadOnly(false));
    router.route().handler(this::noRoute);
    router.route().failureHandler(new ErrorResponder());
    router.errorHandler(400, ErrorResponder::unroutable);
    return router;
  }

  /**
   * No route took the request (nor a page): 405 {@code method_not_allowed} with {@code Allow} when the contract has
   * its path under other methods (RFC 9110, 15.5.6), else 404; both in the contract's JSON. A HEAD where the path
   * takes GET is answered as that GET, without its body.
   */
  private void noRoute(RoutingContext ctx) {
    String normalized = ctx.normalizedPath();
    // The document's paths have no trailing slash; the routes take one, so the check does too.
    String asDocumented = normalized.length() > 1 && normalized.endsWith("/")
        ? normalized.substring(0, normalized.length() - 1) : normalized;
    io.vertx.openapi.contract.Path path = contract.contract().findPath(asDocumented);
    List<String> methods = path == null ? List.of()
        : path.getOperations().stream().map(operation -> operation.getHttpMethod().name()).toList();
    if (ctx.request().method() == HttpMethod.HEAD && methods.contains("GET")) {
      // HEAD is GET without the body (RFC 9110, 9.3.2): routed as GET, Vert.x leaves the body out of the answer.
      ctx.reroute(HttpMethod.GET, ctx.request().uri());
      return;
    }
    // A method the document has but this node does not route (the dev token outside dev mode) is not here at all.
    if (methods.isEmpty() || methods.contains(ctx.request().method().name())) {
      ctx.fail(404);
      return;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", methods));
    ctx.fail(405);
  }

  /**
   * Guards a route of the contract's operation {@code operationId}: the caller's role first (403 for any other, when
   * roles are named; else any signed-in caller), then the request against the document (400).
   */
  private Route operation(Route route, String operationId, Role... allowed) {
    if (allowed.length > 0) {
      route.handler(ctx -> {
        authorize(ctx, allowed);
        ctx.next();
      });
    }
    return route.handler(contract.validates(operationId));
  }

  private static Handler<RoutingContext> document(Buffer document, String type) {
    return ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(document);
  }

  /** The admin port's answers: /metrics and /health, with the same headers and errors as the public port. */
  static Router admin(Vertx vertx, Metrics metrics, Health health) {
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders()).handler(XFrameHandler.create(XFrameHandler.DENY));
    router.get("/metrics").handler(scrape(metrics));
    router.get("/health").handler(check(health));
    router.route().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new ErrorResponder());
    router.errorHandler(400, ErrorResponder::unroutable);
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
   * gives up on a "field" over 1 KB; the contract's validator reads a body by its type, and knows JSON only.
   * Calling it JSON keeps the body exactly as sent, for the JSON parser.
   */
  private static void jsonWhateverItsType(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.regionMatches(true, 0, JSON, 0, JSON.length())) {
      ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, JSON);
    }
    ctx.next();
  }

  /** {@code {"sub", "role", "merchantId"?}} (the contract checks their types and the role's name) → a token. */
  private Future<JsonObject> devToken(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String userId = Fields.optionalIdentifier(body, "sub", 64);
    if (userId == null) {
      throw ApiException.badRequest("sub is required");
    }
    Role role = Role.fromWire(body.getString("role")).orElseThrow();
    String merchantId = Fields.optionalIdentifier(body, "merchantId", 64);
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

  /** Refuses (403) an authenticated caller whose role is not one of {@code allowed}. */
  private static void authorize(RoutingContext ctx, Role... allowed) {
    Principal principal = ctx.get(PRINCIPAL);
    if (Arrays.stream(allowed).noneMatch(principal::is)) {
      throw ApiException.forbidden("the " + principal.role().wire() + " role may not do that");
    }
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

  /**
   * The request's JSON object body, as the contract's validator read it (an object wherever the operation requires
   * a body; null for an optional body not sent), refused if a string in it holds a lone surrogate: JSON Schema has
   * no word for that.
   */
  private static JsonObject body(RoutingContext ctx) {
    JsonObject body = ApiContract.body(ctx);
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
