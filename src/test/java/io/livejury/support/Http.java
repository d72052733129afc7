package io.livejury.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A blocking JSON client for tests, on the JDK's own HTTP client: a different implementation from the
 * server's, as an outside client would be. Call it from the test thread.
 */
public final class Http {

  public record Reply(int status, JsonObject body) {

    public String errorCode() {
      return body.getJsonObject("error").getString("code");
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;

  public Http(int port) {
    this.port = port;
  }

  public int port() {
    return port;
  }

  /** A plain-text GET, for /metrics. */
  public String text(String path) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A GET with the headers given, answered as is: status, headers and body text. */
  public HttpResponse<String> exchange(String path, String... headerNamesAndValues) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(20));
    if (headerNamesAndValues.length > 0) {
      request.headers(headerNamesAndValues);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Reply get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Reply post(String path, String token, Object body) {
    return send("POST", path, token, body == null ? null : body.toString());
  }

  public Reply send(String method, String path, String token, String body) {
    return send(method, path, token, body, null);
  }

  /** Sends {@code body} under the content type given ({@code null}: no Content-Type header, as before). */
  public Reply send(String method, String path, String token, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls a GET until its answer satisfies {@code until}; fails the test with {@code what} if it never does. */
  public Reply awaitGet(String path, String token, Predicate<Reply> until, Duration within,
      String what) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Reply reply = get(path, token);
      if (until.test(reply)) {
        return reply;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + "; last answer: " + reply);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits for a verdict to reach Postgres and returns it as staff see it. */
  public JsonObject awaitVerdict(String verdictId, String staffToken, Duration within) {
    return awaitGet("/api/verdicts/" + verdictId, staffToken, reply -> reply.status() == 200, within,
        "verdict " + verdictId + " never reached Postgres").body();
  }

  public String token(String userId, String role) {
    return token(userId, role, null);
  }

  /**
   * A dev token. A viewer's carries a {@code net} claim of its own: every test socket comes from 127.0.0.1,
   * which would otherwise make all of a test's viewers one network (one report, a shared_network flag).
   */
  public String token(String userId, String role, String merchantId) {
    JsonObject body = new JsonObject().put("sub", userId).put("role", role);
    if (merchantId != null) {
      body.put("merchantId", merchantId);
    }
    if ("viewer".equals(role)) {
      body.put("net", "net-" + userId);
    }
    return post("/api/dev/token", null, body).body().getString("token");
  }

  /** Creates a live room owned by {@code streamerId} and returns its id. */
  /**
   * A transcript body ({@code POST /api/rooms/{roomId}/transcript}): one segment per text, ids {@code idPrefix}0,
   * 1, …, three seconds apart, each 2.5 s long.
   */
  public static JsonObject transcript(String idPrefix, List<String> texts) {
    JsonArray segments = new JsonArray();
    for (int i = 0; i < texts.size(); i++) {
      segments.add(new JsonObject().put("id", idPrefix + i).put("startMs", i * 3000).put("endMs", i * 3000 + 2500)
          .put("text", texts.get(i)));
    }
    return new JsonObject().put("segments", segments);
  }

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
