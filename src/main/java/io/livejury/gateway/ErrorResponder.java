package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.Map;

/**
 * The one place where failures become the contract's {@code {"error":{"code","message"}}}: API exceptions
 * keep their status, bad JSON is 400, an unreachable Redis or Postgres is 503, anything else is logged and 500.
 */
final class ErrorResponder implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  private static final Map<Integer, String> CODES = Map.of(
      400, "bad_request", 401, "unauthorized", 403, "forbidden", 404, "not_found", 405, "method_not_allowed",
      409, "conflict", 413, "too_large", 429, "rate_limited", 503, "unavailable");

  @Override
  public void handle(RoutingContext ctx) {
    ApiException error = classify(ctx.failure(), ctx.statusCode());
    if (error.status() == 500) {
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
    } else if (error.status() == 503) {
      LOG.debug("Answered 503 on {} {}: {}", ctx.request().method(), ctx.request().path(), ctx.failure().toString());
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (error.status() == 413 || isUndecodableBody(ctx.failure())) {
      // The client may still be sending the rest of the body: close instead of reusing a desynchronised connection.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    write(ctx.response(), error);
  }

  /**
   * Answers a request outside the router, a refused WebSocket handshake, the same way: the contract's error JSON
   * with its status.
   */
  static void reject(HttpServerResponse response, Throwable failure) {
    ApiException error = classify(failure, 500);
    if (error.status() == 500) {
      LOG.error("Unhandled failure of a WebSocket handshake", failure);
    }
    if (!response.headWritten()) {
      write(response, error);
    }
  }

  /**
   * Answers a request Netty could not parse (set as the server's {@code invalidRequestHandler}) with the contract's
   * error JSON instead of Vert.x's bare status: 414 {@code uri_too_long} for a request line over the decoder's limit
   * (4,096 characters by default, {@code HttpServerOptions.maxInitialLineLength}), 431 {@code headers_too_large} for
   * headers over theirs (8 KiB), 400 {@code bad_request} for anything else malformed. The connection is closed
   * afterwards: the decoder cannot tell where the next request would start.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiException(414, "uri_too_long", "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiException(431, "headers_too_large", "the request headers are too large");
    } else if (cause instanceof TooLongFrameException) {
      error = new ApiException(400, "bad_request", "a part of the request is too long");
    } else {
      error = ApiException.badRequest("the request is not valid HTTP");
    }
    answerAndClose(request, error);
  }

  /**
   * What is wrong with a request before any route sees it, or null: no usable {@code Host} (absent, empty, given
   * twice, or no host[:port]: {@code Host: a b}; RFC 9112, 3.2) is 400, as is a WebSocket upgrade that announces a
   * body (an upgrade is a GET without one, and the node would wait for it); an {@code Expect} other than
   * {@code 100-continue} is 417 (RFC 9110, 10.1.1).
   */
  static ApiException unusable(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2 && (request.authority() == null
        || request.authority().host().isEmpty() || request.headers().getAll(HttpHeaders.HOST).size() != 1)) {
      return ApiException.badRequest("the Host header is missing, given twice or is not a host[:port]");
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !"100-continue".equalsIgnoreCase(expect.strip())) {
      return new ApiException(417, "expectation_failed", "the only Expect this server meets is 100-continue");
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (SocketGate.isHandshake(request) && (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
        || length != null && !"0".equals(length.strip()))) {
      return ApiException.badRequest("a WebSocket upgrade carries no body");
    }
    return null;
  }

  /** Answers with {@code error} outside the router and closes the connection once the answer is out. */
  static void answerAndClose(HttpServerRequest request, ApiException error) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    response.putHeader(HttpHeaders.CONNECTION, "close");
    response.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(body(error.code(), error.getMessage()))
        .onComplete(done -> request.connection().close());
  }

  /**
   * Answers a request whose body did not all arrive within {@code seconds} of its headers with 408
   * {@code request_timeout}, then closes the connection: what is left of the body may still be on its way.
   */
  static void bodyTimedOut(HttpServerRequest request, long seconds) {
    answerAndClose(request, new ApiException(408, "request_timeout",
        "the request body did not arrive within " + seconds + " seconds"));
  }

  /**
   * Answers a request the router itself refused with 400 before any route saw it (set as the routers'
   * {@code errorHandler(400)}): a path holding an invalid percent-escape ({@code /api/rooms/a%ZZ}) cannot be
   * normalised. The contract's error JSON, instead of Vert.x's bare "Bad Request".
   */
  static void unroutable(RoutingContext ctx) {
    Throwable cause = ctx.failure();
    if (!ctx.response().headWritten()) {
      write(ctx.response(), ApiException.badRequest("the request path cannot be read"
          + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")));
    }
  }

  private static void write(HttpServerResponse response, ApiException error) {
    if (error.retryAfterSeconds() > 0) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
    }
    response
        .setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(body(error.code(), error.getMessage()));
  }

  static String body(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode();
  }

  static ApiException classify(Throwable failure, int status) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof DecodeException) {
      return ApiException.badRequest("the body is not valid JSON");
    }
    if (isUndecodableBody(failure)) {
      return ApiException.badRequest("the request body is not valid HTTP (its chunked encoding)");
    }
    if (isOutage(failure)) {
      return new ApiException(503, "unavailable", "a backing store is unavailable, try again shortly");
    }
    if (failure == null && CODES.containsKey(status)) {
      return new ApiException(status, CODES.get(status), defaultMessage(status));
    }
    return new ApiException(500, "internal", "something went wrong on our side");
  }

  /**
   * A body Netty's HTTP decoder could not read: a chunk size that is no number or overflows, a chunk without its
   * terminator, an extension it refuses. The client's fault, reported by the decoder's own exception classes or, for
   * a chunk size, by a NumberFormatException thrown from inside it.
   */
  static boolean isUndecodableBody(Throwable failure) {
    if (failure instanceof DecoderException) {
      return true;
    }
    StackTraceElement[] trace = failure == null ? new StackTraceElement[0] : failure.getStackTrace();
    for (int i = 0; i < Math.min(trace.length, 8); i++) {
      if (trace[i].getClassName().startsWith("io.netty.handler.codec.http.")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Failures of the backing stores (connection refused or lost, timeouts, a full client queue, Redis
   * replies such as LOADING) are temporary: 503 tells the client to retry. Programming errors stay 500.
   */
  static boolean isOutage(Throwable failure) {
    return failure instanceof IOException
        || failure instanceof VertxException
        || failure instanceof TimeoutException
        || failure != null && failure.getClass().getPackageName().startsWith("io.vertx.redis");
  }

  private static String defaultMessage(int status) {
    return switch (status) {
      case 401 -> "a valid bearer token is required";
      case 403 -> "this role may not do that";
      case 404 -> "no such resource";
      case 405 -> "method not allowed here";
      case 413 -> "the body is too large";
      default -> "request failed";
    };
  }
}
