package io.livejury.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/** A blocking JSON client for tests: call it from the test thread, never from an event loop. */
public final class Http {

  public record Reply(int status, JsonObject body) {

    public String errorCode() {
      return body.getJsonObject("error").getString("code");
    }
  }

  private final HttpClient client;
  private final int port;

  public Http(Vertx vertx, int port) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    this.port = port;
  }

  public int port() {
    return port;
  }

  public Reply get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  public Reply post(String path, String token, Object body) {
    return send(HttpMethod.POST, path, token, body == null ? null : body.toString());
  }

  public Reply send(HttpMethod method, String path, String token, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(buffer -> new Reply(response.statusCode(),
            buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject())))
        .timeout(20, TimeUnit.SECONDS)
        .await();
  }

  public String token(String userId, String role) {
    return token(userId, role, null);
  }

  public String token(String userId, String role, String merchantId) {
    JsonObject body = new JsonObject().put("sub", userId).put("role", role);
    if (merchantId != null) {
      body.put("merchantId", merchantId);
    }
    return post("/api/dev/token", null, body).body().getString("token");
  }

  /** Creates a live room owned by {@code streamerId} and returns its id. */
  public String createRoom(String staffToken, String streamerId) {
    Reply reply = post("/api/rooms", staffToken,
        new JsonObject().put("streamerId", streamerId).put("merchantId", "m-" + streamerId).put("title", "Test room"));
    if (reply.status() != 201) {
      throw new IllegalStateException("room not created: " + reply);
    }
    return reply.body().getString("roomId");
  }

  /** Opens a claim prompt and returns it as the API answered. */
  public JsonObject openPrompt(String staffToken, String roomId, int seconds) {
    Reply reply = post("/api/rooms/" + roomId + "/prompts", staffToken, new JsonObject()
        .put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？").put("claim", "这款茶能治疗糖尿病")
        .put("durationSec", seconds));
    if (reply.status() != 201) {
      throw new IllegalStateException("prompt not opened: " + reply);
    }
    return reply.body();
  }
}
