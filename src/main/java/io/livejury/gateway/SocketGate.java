package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.livejury.escalation.ReviewQueue;
import io.livejury.escalation.StaffFeeds;
import io.livejury.model.Role;
import io.livejury.model.Principal;
import io.livejury.model.Room;
import io.livejury.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.http.ServerWebSocketHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides WebSocket handshakes on {@code /ws/rooms/{roomId}?token=…}: a browser's Origin must be the node's
 * own or an allowed one (403), the token must be valid (401), the room must exist (404) and be live (410),
 * and the user may hold only so many sockets on the node (429) before the upgrade is accepted and a
 * {@link SocketSession} takes over. The client's address is the socket's remote address, or what a trusted proxy
 * forwarded ({@link TrustedProxies}).
 */
final class SocketGate {

  private static final Logger LOG = LoggerFactory.getLogger(SocketGate.class);
  private static final Pattern PATH = Pattern.compile("/ws/rooms/([A-Za-z0-9_-]{1,64})/?");
  private static final Pattern STAFF_PATH = Pattern.compile("/ws/staff/?");
  private static final Pattern TOKEN = Pattern.compile("(?:^|&)token=([^&]*)");
  private static final String X_FORWARDED_FOR = "X-Forwarded-For";

  private final Vertx vertx;
  private final Auth auth;
  private final RoomService rooms;
  private final SocketServices services;
  private final SocketKeeper keeper;
  private final Set<String> allowedOrigins;
  private final TrustedProxies trustedProxies;

  private final ReviewQueue queue;
  private final StaffFeeds staffFeeds;

  SocketGate(Vertx vertx, Auth auth, RoomService rooms, SocketServices services, ReviewQueue queue,
      StaffFeeds staffFeeds) {
    this.queue = queue;
    this.staffFeeds = staffFeeds;
    this.vertx = vertx;
    this.auth = auth;
    this.rooms = rooms;
    this.services = services;
    this.keeper = new SocketKeeper(vertx);
    this.allowedOrigins = services.settings().socketPolicy().allowedOrigins();
    this.trustedProxies = services.settings().socketPolicy().trustedProxies();
  }

  void handshake(ServerWebSocketHandshake handshake) {
    if (STAFF_PATH.matcher(handshake.path()).matches()) {
      staffHandshake(handshake);
      return;
    }
    Matcher path = PATH.matcher(handshake.path());
    if (!path.matches()) {
      handshake.reject(404);
      return;
    }
    if (!originAllowed(handshake)) {
      handshake.reject(403);
      return;
    }
    String roomId = path.group(1);
    String clientHost = trustedProxies.clientHost(
        handshake.remoteAddress() == null ? null : handshake.remoteAddress().hostAddress(),
        handshake.headers().getAll(X_FORWARDED_FOR));
    auth.authenticate(token(handshake.query()))
        .compose(principal -> rooms.live(roomId).map(room -> new Admission(principal, room)))
        .compose(admitted -> services.users().tryAcquire(admitted.principal().userId())
            ? Future.succeededFuture(admitted)
            : Future.failedFuture(new ApiException(429, "rate_limited", "too many sockets for one user")))
        .onSuccess(admitted -> handshake.accept()
            .onSuccess(ws -> {
              SocketSession[] session = new SocketSession[1];
              Runnable onClose = () -> {
                services.users().release(admitted.principal().userId());
                keeper.remove(session[0]);
              };
              session[0] = new SocketSession(vertx, ws, admitted.principal(), admitted.room(), clientHost, services,
                  onClose);
              keeper.add(session[0]);
              session[0].start();
            })
            .onFailure(err -> services.users().release(admitted.principal().userId())))
        .onFailure(err -> {
          if (!(err instanceof ApiException)) {
            LOG.warn("WebSocket handshake failed: {}", err.getMessage());
          }
          handshake.reject(err instanceof ApiException api ? api.status() : 503);
        });
  }

  /**
   * The staff feed: the same Origin and token checks as a room socket, then staff only (403 for any other role),
   * and the same per-user socket limit (429).
   */
  private void staffHandshake(ServerWebSocketHandshake handshake) {
    if (!originAllowed(handshake)) {
      handshake.reject(403);
      return;
    }
    auth.authenticate(token(handshake.query()))
        .compose(principal -> principal.is(Role.STAFF) ? Future.succeededFuture(principal)
            : Future.failedFuture(ApiException.forbidden("the staff feed is for staff")))
        .compose(principal -> services.users().tryAcquire(principal.userId()) ? Future.succeededFuture(principal)
            : Future.failedFuture(new ApiException(429, "rate_limited", "too many sockets for one user")))
        .onSuccess(principal -> handshake.accept()
            .onSuccess(ws -> {
              new StaffSocket(ws, queue, staffFeeds, () -> services.users().release(principal.userId())).start();
            })
            .onFailure(err -> services.users().release(principal.userId())))
        .onFailure(err -> handshake.reject(err instanceof ApiException api ? api.status() : 503));
  }

  /**
   * A browser always sends Origin: a page of another site holding a stolen token is refused. The node's own
   * origin (same host and port as the request) and the configured ones pass; so do clients that send none.
   */
  private boolean originAllowed(ServerWebSocketHandshake handshake) {
    String origin = handshake.headers().get(HttpHeaders.ORIGIN);
    if (origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin)) {
      return true;
    }
    HostAndPort authority = handshake.authority();
    try {
      URI uri = new URI(origin);
      int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
      int hostPort = authority.port() < 0 ? (handshake.isSsl() ? 443 : 80) : authority.port();
      return uri.getHost() != null && uri.getHost().equalsIgnoreCase(authority.host()) && originPort == hostPort;
    } catch (URISyntaxException e) {
      return false;
    }
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
