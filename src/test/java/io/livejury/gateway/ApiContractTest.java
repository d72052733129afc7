package io.livejury.gateway;

import io.livejury.api.ApiContract;
import io.livejury.common.Fields;
import io.livejury.config.Settings;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.JsonSchema;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document and the node agree: the router serves exactly the document's operations, every example in the
 * document is an instance of its schema, the node serves the document, and requests outside it get the contract's 400.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class ApiContractTest {

  private static TestNode node;
  private static Http http;
  private static String staff;
  private static ApiContract contract;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("contract-staff", "staff");
    contract = ApiContract.load(vertx).await();
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  /** "POST /api/rooms/{roomId}/end" for every operation of the document. */
  private static Set<String> documented() {
    Set<String> operations = new TreeSet<>();
    contract.contract().operations().forEach(op -> operations.add(op.getHttpMethod().name() + " " + op.getOpenAPIPath()));
    return operations;
  }

  /** The same for every route with a path and methods of its own (not the catch-alls, handlers of every request). */
  private static Set<String> served(Router router) {
    Set<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || path.endsWith("*") || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        routes.add(method.name() + " " + path.replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
      }
    }
    return routes;
  }

  @Test
  void theRouterServesExactlyTheDocumentsOperations(Vertx vertx) {
    // Dev mode and no admin port: every route the public router can serve (the dev token and /metrics included).
    Settings settings = Settings.load(Map.of("LIVEJURY_DEV", "true"));
    Router router = new HttpApi(vertx, settings, null, null, null, null, null, null, null, null, null, contract)
        .router();
    assertThat(served(router)).isEqualTo(documented());
    assertThat(documented()).containsAll(served(HttpApi.admin(vertx, null, null)));
  }

  @Test
  void everyExampleInTheDocumentIsAnInstanceOfItsSchema() {
    OpenAPIContract document = contract.contract();
    // Examples as written: the resolved document's objects carry annotations of the resolver's own (__absolute_uri__).
    JsonObject written = new JsonObject(contract.json());
    JsonObject paths = written.getJsonObject("paths");
    List<String> checked = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Operation op : document.operations()) {
      String name = op.getOperationId();
      for (Parameter parameter : op.getParameters()) {
        Object example = parameter.getOpenAPIModel().getValue("example");
        if (example != null) {
          check(name + " parameter " + parameter.getName(), parameter.getSchema(), example, checked, wrong);
        }
      }
      JsonObject operation = paths.getJsonObject(op.getOpenAPIPath())
          .getJsonObject(op.getHttpMethod().name().toLowerCase());
      if (op.getRequestBody() != null) {
        JsonObject content = operation.getJsonObject("requestBody").getJsonObject("content");
        op.getRequestBody().getContent().forEach((type, media) ->
            check(name + " request " + type, media, content.getJsonObject(type), checked, wrong));
      }
      JsonObject responses = operation.getJsonObject("responses");
      assertThat(responses.fieldNames()).as(name + " answers").isNotEmpty();
      for (String status : responses.fieldNames()) {
        JsonObject content = referenced(written, responses.getJsonObject(status)).getJsonObject("content");
        op.getResponse(Integer.parseInt(status)).getContent().forEach((type, media) ->
            check(name + " " + status + " " + type, media, content.getJsonObject(type), checked, wrong));
      }
    }
    assertThat(wrong).isEmpty();
    // Every request body and every answer of every operation has its example: 24 operations, 9 bodies.
    assertThat(checked).hasSizeGreaterThan(130);
  }

  /** The object a {@code {"$ref": "#/components/…"}} names, or the object itself. */
  private static JsonObject referenced(JsonObject document, JsonObject object) {
    String ref = object.getString("$ref");
    if (ref == null) {
      return object;
    }
    JsonObject target = document;
    for (String key : ref.substring(2).split("/")) {
      target = target.getJsonObject(key);
    }
    return target;
  }

  private static void check(String where, MediaType media, JsonObject written, List<String> checked,
      List<String> wrong) {
    assertThat(written.containsKey("example")).as(where + " has an example").isTrue();
    assertThat(media.getSchema()).as(where + " has a schema").isNotNull();
    check(where, media.getSchema(), written.getValue("example"), checked, wrong);
  }

  private static void check(String where, JsonSchema schema, Object example, List<String> checked, List<String> wrong) {
    OutputUnit result = contract.contract().getSchemaRepository().validator(schema).validate(example);
    checked.add(where);
    if (!result.getValid()) {
      wrong.add(where + ": " + result.getErrors());
    }
  }

  @Test
  void theNodeServesTheDocumentAsJsonAndAsWritten() {
    HttpResponse<String> json = http.exchange("/openapi.json");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    JsonObject document = new JsonObject(json.body());
    assertThat(document.getString("openapi")).startsWith("3.1");
    assertThat(document.getJsonObject("paths").fieldNames()).contains("/api/rooms", "/health", "/metrics");
    HttpResponse<String> yaml = http.exchange("/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.body()).startsWith("openapi: 3.1");
  }

  /**
   * A request no URI class would build, written to the socket as is: its status line and body, as a client sees
   * them.
   */
  private static String[] raw(String target) throws IOException {
    String answer = rawHead("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + staff
        + "\r\nConnection: close\r\n", "");
    return new String[] {answer.substring(0, answer.indexOf("\r\n")), answer.substring(answer.indexOf("\r\n\r\n") + 4)};
  }

  /** The whole answer to a request written to the socket as is. */
  private static String rawAnswer(String method, String target) throws IOException {
    return rawHead(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + staff
        + "\r\nContent-Length: 0\r\nConnection: close\r\n", "");
  }

  @Test
  void aMethodAPathDoesNotTakeIs405NamingTheMethodsItDoes() throws IOException {
    String room = rawAnswer("DELETE", "/api/rooms/some-room");
    assertThat(room).startsWith("HTTP/1.1 405 ").containsIgnoringCase("\r\nallow: GET\r\n")
        .contains("\"code\":\"method_not_allowed\"");
    assertThat(rawAnswer("PUT", "/api/verdicts/v-1/review")).startsWith("HTTP/1.1 405 ")
        .containsIgnoringCase("\r\nallow: POST\r\n");
    assertThat(rawAnswer("PATCH", "/api/detector/examples")).startsWith("HTTP/1.1 405 ")
        .containsIgnoringCase("\r\nallow: POST, GET\r\n");
    assertThat(rawAnswer("DELETE", "/api/nowhere")).startsWith("HTTP/1.1 404 ").contains("\"code\":\"not_found\"");
    // Outside /api too: the document's other paths, and a page that is not there.
    assertThat(rawAnswer("PUT", "/health")).startsWith("HTTP/1.1 405 ").containsIgnoringCase("\r\nallow: GET\r\n")
        .contains("\"code\":\"method_not_allowed\"");
    assertThat(rawAnswer("GET", "/nowhere.html")).startsWith("HTTP/1.1 404 ").contains("\"code\":\"not_found\"");
    // With a trailing slash as without one.
    assertThat(rawAnswer("PUT", "/api/rooms/")).startsWith("HTTP/1.1 405 ").containsIgnoringCase("\r\nallow: POST\r\n");
    // HEAD is GET without the body.
    for (String target : List.of("/api/verdicts", "/health")) {
      String head = rawAnswer("HEAD", target);
      assertThat(head).as(target).startsWith("HTTP/1.1 200 ")
          .containsIgnoringCase("\r\ncontent-type: application/json; charset=utf-8\r\n").endsWith("\r\n\r\n");
    }
  }

  @Test
  void aRequestWithoutAUsableHostIsTheClientsBadRequest() throws IOException {
    for (String head : List.of("GET /health HTTP/1.1\r\nHost: a b\r\n", "GET /api/rooms/x HTTP/1.1\r\n",
        "GET /health HTTP/1.1\r\nHost: \r\n", "GET /health HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n",
        "GET /ws/rooms/x?token=t HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")) {
      assertThat(rawHead(head + "Connection: close\r\n", "")).as(head).startsWith("HTTP/1.1 400 ")
          .contains("{\"error\":{\"code\":\"bad_request\",\"message\":\"the Host header is missing, given twice or is "
              + "not a host[:port]\"}}");
    }
  }

  @Test
  void anExpectationOtherThanContinueIs417AndAnUpgradeWithABody400() throws IOException {
    assertThat(rawHead("POST /api/dev/token HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 200-ok\r\nContent-Length: 2\r\n",
        "{}")).startsWith("HTTP/1.1 417 ").contains("\"code\":\"expectation_failed\"");
    assertThat(rawHead("GET /ws/rooms/x?token=t HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Content-Length: 100\r\n", "ab")).startsWith("HTTP/1.1 400 ")
        .contains("\"message\":\"a WebSocket upgrade carries no body\"");
  }

  /** Writes {@code head} (request line and headers), the blank line and {@code body}; the whole answer. */
  private static String rawHead(String head, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((head + "\r\n" + body).getBytes(StandardCharsets.UTF_8));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void idsWithControlOrFormatCharactersAreRefusedNotQuietlyChanged() {
    refused(http.post("/api/rooms", staff, new JsonObject().put("title", "t").put("streamerId", "streamer\u0000x")
        .put("merchantId", "m")), Fields.identifierRule("streamerId", 64));
    refused(http.post("/api/rooms", staff, new JsonObject().put("title", "t").put("streamerId", "s")
        .put("merchantId", "\u200b")), Fields.identifierRule("merchantId", 64));
    refused(http.post("/api/dev/token", null, new JsonObject().put("sub", "u\u0000").put("role", "viewer")),
        Fields.identifierRule("sub", 64));
    refused(http.get("/api/jurors/%E2%80%8F%E2%80%8F", staff), Fields.identifierRule("userId", 256));
    // Bytes that are no UTF-8 decode to U+FFFD: a%FFb and a%FEb would be one person.
    refused(http.get("/api/jurors/a%FFb", staff), Fields.identifierRule("userId", 256));
    // An id is compared as sent: " bob " is nobody's id, in a body as in a token or a path.
    refused(http.post("/api/dev/token", null, new JsonObject().put("sub", " bob ").put("role", "viewer")),
        Fields.identifierRule("sub", 64));
    refused(http.get("/api/jurors/%20bob%20", staff), Fields.identifierRule("userId", 256));
    assertThat(http.get("/api/jurors/%E8%A7%82%E4%BC%97", staff).status()).as("观众").isEqualTo(200);
  }

  @Test
  void aMalformedPercentEscapeIsTheClientsBadRequest() throws IOException {
    for (String target : List.of("/api/queue?limit=%ZZ", "/api/verdicts?cursor=%", "/api/queue?%ZZ=1")) {
      String[] answer = raw(target);
      assertThat(answer[0]).as(target).isEqualTo("HTTP/1.1 400 Bad Request");
      JsonObject error = new JsonObject(answer[1]).getJsonObject("error");
      assertThat(error.getString("code")).as(target).isEqualTo("bad_request");
      assertThat(error.getString("message")).as(target).startsWith("the query string is not valid percent-encoding");
    }
    String[] path = raw("/api/rooms/a%ZZ");
    assertThat(path[0]).isEqualTo("HTTP/1.1 400 Bad Request");
    JsonObject error = new JsonObject(path[1]).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("bad_request");
    assertThat(error.getString("message")).startsWith("the request path cannot be read");
  }

  /** Asserts a 400 {@code bad_request} whose message is {@code message}. */
  private static void refused(Http.Reply reply, String message) {
    assertThat(reply.status()).as(reply.body().encode()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("bad_request");
    assertThat(reply.body().getJsonObject("error").getString("message")).isEqualTo(message);
  }

  @Test
  void requestsOutsideTheDocumentGetTheContractsBadRequest() {
    String roomId = http.createRoom(staff, "contract-streamer");
    // A missing required field, at the top and nested.
    refused(http.post("/api/rooms", staff, new JsonObject().put("streamerId", "s").put("merchantId", "m")),
        "title is required");
    refused(http.post("/api/rooms/" + roomId + "/transcript", staff, new JsonObject().put("segments",
        new JsonArray().add(new JsonObject().put("id", "seg-1")))), "segments[0].text is required");
    refused(http.get("/api/penalties", staff), "subject is required");
    // A wrong type.
    refused(http.post("/api/rooms", staff, new JsonObject().put("title", 7)), "title must be a string");
    refused(http.post("/api/rooms/" + roomId + "/transcript", staff, new JsonObject().put("segments", new JsonArray()
        .add(new JsonObject().put("id", "seg-1").put("startMs", "0").put("text", "大家好")))),
        "segments[0].startMs must be a whole number or null");
    refused(http.get("/api/verdicts?limit=ten", staff), "limit must be a whole number from 1 to 200");
    refused(http.get("/api/queue?limit=ten", staff), "limit must be a whole number");
    refused(http.send("POST", "/api/rooms", staff, "[1,2]"), "the body must be a JSON object");
    // A value outside its enum.
    refused(http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim")
        .put("question", "属实吗？").put("tally", "sometimes")), "tally must be one of [live, after_vote, hidden]");
    refused(http.post("/api/verdicts/v-none/review", staff, new JsonObject().put("action", "approve")
        .put("reason", "r")), "action must be one of [confirm, overturn]");
    refused(http.post("/api/dev/token", null, new JsonObject().put("sub", "u1").put("role", "admin")),
        "role must be one of [viewer, streamer, staff]");
    refused(http.get("/api/verdicts?status=PENDING", staff),
        "status must be empty or one of [pending, none, confirmed, overturned, appealed]");
    // Lengths and the body itself.
    refused(http.post("/api/rooms", staff, new JsonObject().put("title", "长".repeat(201))),
        "title is longer than 200 characters");
    refused(http.send("POST", "/api/rooms/" + roomId + "/stop", staff, null), "a JSON object body is required");
    refused(http.send("POST", "/api/rooms", staff, "{\"title\": "), "the body is not valid JSON");

    // The role is checked first: a viewer hears 403 whatever its body, as before the document.
    String viewer = http.token("contract-viewer", "viewer");
    assertThat(http.post("/api/rooms", viewer, new JsonObject().put("title", 7)).status()).isEqualTo(403);
    // And the ballot path never meets the validator: it is no HTTP route (RoomSocketTest covers the sockets).
  }
}
