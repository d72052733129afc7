package io.livejury.api;

import io.livejury.common.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP API's contract, the OpenAPI 3.1 document {@code src/main/resources/openapi/livejury.yaml}, loaded once per
 * JVM: requests are validated against it ({@link #validates}), and it is served as written ({@link #yaml}) and as
 * JSON ({@link #json}).
 */
public final class ApiContract {

  /** Where the document lies on the class path (inside the jar). */
  public static final String RESOURCE = "openapi/livejury.yaml";

  /** The routing context key of a request's validated JSON body. */
  private static final String BODY = "livejury.validatedBody";

  /**
   * The document once read and checked, shared by every node of this JVM (the test suite starts dozens): it is an
   * immutable resource, and parsing, checking and resolving it takes a second or more, which a node's start would
   * otherwise pay each time. The checked contract holds no Vert.x instance; each node validates with its own.
   */
  private static volatile Checked checked;

  /** The checked contract with the document as JSON and as written. */
  private record Checked(OpenAPIContract contract, Buffer json, Buffer yaml) {
  }

  private final Checked document;
  private final RequestValidator validator;

  private ApiContract(Vertx vertx, Checked document) {
    this.document = document;
    this.validator = RequestValidator.create(vertx, document.contract());
  }

  /**
   * Reads, parses and checks the document (against the OpenAPI 3.1 schema, resolving its references). The YAML is
   * parsed on a worker: a 40 KB document takes milliseconds an event loop should not spend.
   *
   * @return the contract; failed when the resource is missing or the document is no valid OpenAPI 3.1 (a broken
   *     build: the node must not start without it)
   */
  public static Future<ApiContract> load(Vertx vertx) {
    Checked known = checked;
    if (known != null) {
      return Future.succeededFuture(new ApiContract(vertx, known));
    }
    return vertx.fileSystem().readFile(RESOURCE)
        .compose(yaml -> vertx.executeBlocking(() -> parse(yaml))
            .compose(document -> OpenAPIContract.from(vertx, document.copy())
                .map(contract -> {
                  checked = new Checked(contract, document.toBuffer(), yaml);
                  return new ApiContract(vertx, checked);
                })));
  }

  /** YAML to JSON; the safe constructor builds plain maps, lists and scalars only. */
  private static JsonObject parse(Buffer yaml) {
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString(StandardCharsets.UTF_8));
    // Through the encoder once: nested maps and lists become JSON objects and arrays, every key a string.
    return new JsonObject(Json.encode(document));
  }

  /** The document as JSON (UTF-8), as {@code GET /openapi.json} sends it. */
  public Buffer json() {
    return document.json();
  }

  /** The document as written (UTF-8 YAML), as {@code GET /openapi.yaml} sends it. */
  public Buffer yaml() {
    return document.yaml();
  }

  /** The checked contract, its references resolved: its operations, paths and schema repository. */
  public OpenAPIContract contract() {
    return document.contract();
  }

  /**
   * A route handler that validates the request (path and query parameters, body) against operation
   * {@code operationId}, then passes it on with its body readable by {@link #body}. A request outside the contract
   * fails the context with a 400 {@code bad_request} {@link io.livejury.common.ApiException} naming the field
   * ({@link Refusals}), which the gateway's error responder answers. The body must have been read (BodyHandler)
   * before.
   *
   * @throws IllegalArgumentException when the document has no such operation: a route and the document disagree,
   *     which must fail the node's start, not a request
   */
  public Handler<RoutingContext> validates(String operationId) {
    Operation operation = document.contract().operation(operationId);
    if (operation == null) {
      throw new IllegalArgumentException("the API contract has no operation " + operationId);
    }
    return ctx -> extract(ctx, operation)
        .compose(request -> validator.validate(request, operationId))
        .recover(refused -> Future.failedFuture(refused instanceof ValidatorException invalid
            ? Refusals.of(operation, invalid) : refused))
        .onSuccess(valid -> {
          RequestParameter body = valid.getBody();
          if (body != null && !body.isNull()) {
            ctx.put(BODY, body.getJsonObject());
          }
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /**
   * The request as the validator reads it. Netty's query decoder, which the extraction uses, throws on a malformed
   * percent-escape ({@code ?limit=%ZZ}, a lone {@code %}): that is the client's error, a 400, not ours.
   */
  private static Future<ValidatableRequest> extract(RoutingContext ctx, Operation operation) {
    try {
      return RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(read(ctx)));
    } catch (IllegalArgumentException undecodable) {
      return Future.failedFuture(ApiException.badRequest(
          "the query string is not valid percent-encoding (" + undecodable.getMessage() + ")"));
    }
  }

  /** The request's body as read, empty when there was none. */
  private static Buffer read(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? Buffer.buffer() : body;
  }

  /**
   * The JSON object body of a request {@link #validates} passed: the schema saw to it that it is an object where the
   * operation requires one.
   *
   * @return the body; null when the operation's body is optional and none was sent
   */
  public static JsonObject body(RoutingContext ctx) {
    return ctx.get(BODY);
  }
}
