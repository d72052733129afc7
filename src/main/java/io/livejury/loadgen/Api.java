package io.livejury.loadgen;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few blocking HTTP calls the load tools make to set a run up and read its results. */
final class Api {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  /** No call waits longer than this for its answer, so a tool cannot hang on a node that stopped answering. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;

  Api(URI base) {
    this.base = base;
  }

  String token(String userId, String role) throws IOException, InterruptedException {
    JsonObject body = new JsonObject().put("sub", userId).put("role", role);
    if ("streamer".equals(role)) {
      body.put("merchantId", "m-" + userId);
    }
    return post("/api/dev/token", null, body).getString("token");
  }

  JsonObject post(String path, String token, JsonObject body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body.encode())),
        path, token);
  }

  /** Sends a POST without waiting, so a run can open many prompts at the same moment. */
  java.util.concurrent.CompletableFuture<JsonObject> postAsync(String path, String token, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
      }
      return new JsonObject(response.body());
    });
  }

  JsonObject get(String path, String token) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET(), path, token);
  }

  String text(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(path + " answered " + response.statusCode());
    }
    return response.body();
  }

  @Override
  public String toString() {
    return base.toString();
  }

  private JsonObject send(HttpRequest.Builder request, String path, String token)
      throws IOException, InterruptedException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** The status a GET answers with this token (null: none), for checks that expect a refusal. */
  int status(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  String host() {
    return base.getHost();
  }

  int port() {
    return base.getPort();
  }
}
