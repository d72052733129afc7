package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.livejury.model.Principal;
import io.livejury.model.Room;
import io.livejury.room.RoomService;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocketHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides WebSocket handshakes on {@code /ws/rooms/{roomId}?token=…}: the token must be valid (401) and the
 * room must exist (404) and be live (410) before the upgrade is accepted and a {@link SocketSession} takes over.
 */
final class SocketGate {

  private static final Logger LOG = LoggerFactory.getLogger(SocketGate.class);
  private static final Pattern PATH = Pattern.compile("/ws/rooms/([A-Za-z0-9_-]{1,64})/?");
  private static final Pattern TOKEN = Pattern.compile("(?:^|&)token=([^&]*)");

  private final Vertx vertx;
  private final Auth auth;
  private final RoomService rooms;
  private final SocketServices services;

  SocketGate(Vertx vertx, Auth auth, RoomService rooms, SocketServices services) {
    this.vertx = vertx;
    this.auth = auth;
    this.rooms = rooms;
    this.services = services;
  }

  void handshake(ServerWebSocketHandshake handshake) {
    Matcher path = PATH.matcher(handshake.path());
    if (!path.matches()) {
      handshake.reject(404);
      return;
    }
    String roomId = path.group(1);
    auth.authenticate(token(handshake.query()))
        .compose(principal -> rooms.live(roomId).map(room -> new Admission(principal, room)))
        .onSuccess(admitted -> handshake.accept().onSuccess(ws ->
            new SocketSession(vertx, ws, admitted.principal(), admitted.room(), services).start()))
        .onFailure(err -> {
          if (!(err instanceof ApiException)) {
            LOG.warn("WebSocket handshake failed: {}", err.getMessage());
          }
          handshake.reject(err instanceof ApiException api ? api.status() : 503);
        });
  }

  private record Admission(Principal principal, Room room) {
  }

  private static String token(String query) {
    if (query == null) {
      return null;
    }
    Matcher token = TOKEN.matcher(query);
    return token.find() ? URLDecoder.decode(token.group(1), StandardCharsets.UTF_8) : null;
  }
}
