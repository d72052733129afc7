package io.livejury.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client in a room that keeps every frame it receives, for tests to wait on and count. */
public final class TestSocket {

  private static final long WAIT_MS = 15_000;

  /** Vert.x closes a client, and every socket it opened, once the client is unreachable: each socket keeps it. */
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<Long> arrivals = new ArrayList<>();
  private volatile boolean closed;

  private TestSocket(WebSocketClient client) {
    this.client = client;
    this.ws = client.webSocket();
    ws.textMessageHandler(text -> {
      synchronized (frames) {
        frames.add(new JsonObject(text));
        arrivals.add(System.nanoTime());
        frames.notifyAll();
      }
    });
    ws.closeHandler(v -> {
      closed = true;
      synchronized (frames) {
        frames.notifyAll();
      }
    });
  }

  /** Handlers are set before connecting, so not even the first frame can slip past them. */
  public static Future<TestSocket> open(WebSocketClient client, int port, String roomId, String token) {
    return open(client, port, roomId, token, Map.of());
  }

  /** As {@link #open(WebSocketClient, int, String, String)}, the handshake carrying these request headers. */
  public static Future<TestSocket> open(WebSocketClient client, int port, String roomId, String token,
      Map<String, String> headers) {
    TestSocket socket = new TestSocket(client);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(port)
        .setURI("/ws/rooms/" + roomId + "?token=" + token).setTimeout(15_000);
    headers.forEach(options::addHeader);
    return socket.ws.connect(options).map(socket);
  }

  /** A staff feed socket ({@code /ws/staff}), once its first frame, the whole queue, has come. */
  public static TestSocket staff(Vertx vertx, int port, String token) {
    TestSocket socket = new TestSocket(client(vertx));
    socket.ws.connect(new WebSocketConnectOptions().setHost("localhost").setPort(port)
        .setURI("/ws/staff?token=" + token).setTimeout(15_000)).await();
    socket.await("queue");
    return socket;
  }

  public static TestSocket connect(Vertx vertx, int port, String roomId, String token) {
    TestSocket socket = open(client(vertx), port, roomId, token).await();
    socket.await("welcome");
    return socket;
  }

  /** Opens {@code count} viewer sockets in a room at once, each with its own user, and waits for their welcomes. */
  public static List<TestSocket> viewers(Vertx vertx, Http http, String roomId, String userPrefix, int count) {
    WebSocketClient client = client(vertx);
    List<Future<TestSocket>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      opening.add(open(client, http.port(), roomId, http.token(userPrefix + i, "viewer")));
    }
    List<TestSocket> sockets = Future.all(opening).await().list();
    sockets.forEach(socket -> socket.await("welcome"));
    return sockets;
  }

  public static WebSocketClient client(Vertx vertx) {
    // WebSockets hold their connection for life, so the per-host connection cap must exceed the socket count;
    // a node that stops answering gets one second to finish a close handshake before the connection is dropped.
    return vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(50_000).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20).setClosingTimeout(1));
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public void sendText(String text) {
    ws.writeTextMessage(text);
  }

  public void ballot(String ref, String promptId, String option) {
    send(new JsonObject().put("type", "ballot").put("ref", ref).put("promptId", promptId).put("option", option));
  }

  /** Waits for the ack of the frame sent with {@code ref}. */
  public JsonObject ack(String ref) {
    return await(f -> "ack".equals(f.getString("type")) && ref.equals(f.getString("ref")));
  }

  public JsonObject await(String type) {
    return await(f -> type.equals(f.getString("type")));
  }

  /** The first frame received so far, or within the wait, that matches; fails the test otherwise. */
  public JsonObject await(Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    synchronized (frames) {
      while (true) {
        for (JsonObject frame : frames) {
          if (match.test(frame)) {
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          throw new AssertionError("no matching frame " + (closed ? "before the socket closed" : "in time")
              + "; received " + frames);
        }
        try {
          frames.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  public List<JsonObject> frames(String type) {
    synchronized (frames) {
      return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
    }
  }

  /** When each frame of a type arrived, in {@link System#nanoTime()} units. */
  public List<Long> arrivals(String type) {
    synchronized (frames) {
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < frames.size(); i++) {
        if (type.equals(frames.get(i).getString("type"))) {
          times.add(arrivals.get(i));
        }
      }
      return times;
    }
  }

  public List<JsonObject> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  public boolean isClosed() {
    return closed;
  }

  public void close() {
    ws.close();
  }
}
