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
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
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
 *
 * <p>Handshakes arrive as plain requests ({@link #isHandshake}) rather than through Vert.x's handshake handler, whose
 * refusal can carry only a status line: a refused one is answered with the contract's error JSON
 * ({@link ErrorResponder#reject}), so a client learns, say, that the room was stopped and why.
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

  /** True for a request asking for a WebSocket upgrade: the gate's to decide, not the router's. */
  static boolean isHandshake(HttpServerRequest request) {
    return request.headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true);
  }

  /**
   * Accepts the upgrade, or answers its refusal as {@code {"error":{"code","message"}}} with 401, 403, 404, 410
   * (the room ended or was stopped, in words), 429 or 503.
   */
  void handshake(HttpServerRequest request) {
    // Held until decided: the upgrade reads the request's end, which must not pass before the checks are done.
    request.pause();
    if (STAFF_PATH.matcher(request.path()).matches()) {
      staffHandshake(request);
      return;
    }
    Matcher path = PATH.matcher(request.path());
    if (!path.matches()) {
      reject(request, ApiException.notFound("WebSocket endpoint " + request.path()));
      return;
    }
    if (!originAllowed(request)) {
      reject(request, ApiException.forbidden("this page's origin may not open sockets here"));
      return;
    }
    String roomId = path.group(1);
    String clientHost = trustedProxies.clientHost(
        request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
        request.headers().getAll(X_FORWARDED_FOR));
    auth.authenticate(token(request.query()))
        .compose(principal -> rooms.live(roomId).map(room -> new Admission(principal, room)))
        .compose(admitted -> services.users().tryAcquire(admitted.principal().userId())
            ? Future.succeededFuture(admitted)
            : Future.failedFuture(new ApiException(429, "rate_limited", "too many sockets for one user")))
        .onSuccess(admitted -> request.toWebSocket()
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
          reject(request, err);
        });
  }

  /**
   * The staff feed: the same Origin and token checks as a room socket, then staff only (403 for any other role),
   * and the same per-user socket limit (429).
   */
  private void staffHandshake(HttpServerRequest request) {
    if (!originAllowed(request)) {
      reject(request, ApiException.forbidden("this page's origin may not open sockets here"));
      return;
    }
    auth.authenticate(token(request.query()))
        .compose(principal -> principal.is(Role.STAFF) ? Future.succeededFuture(principal)
            : Future.failedFuture(ApiException.forbidden("the staff feed is for staff")))
        .compose(principal -> services.users().tryAcquire(principal.userId()) ? Future.succeededFuture(principal)
            : Future.failedFuture(new ApiException(429, "rate_limited", "too many sockets for one user")))
        .onSuccess(principal -> request.toWebSocket()
            .onSuccess(ws -> {
              new StaffSocket(ws, queue, staffFeeds, () -> services.users().release(principal.userId())).start();
            })
            .onFailure(err -> services.users().release(principal.userId())))
        .onFailure(err -> reject(request, err));
  }

  private static void reject(HttpServerRequest request, Throwable failure) {
    // Read to its end, so the connection can carry the client's next request.
    request.resume();
    ErrorResponder.reject(request.response(), failure);
  }

  /**
   * A browser always sends Origin: a page of another site holding a stolen token is refused. The node's own
   * origin (same host and port as the request) and the configured ones pass; so do clients that send none.
   */
  private boolean originAllowed(HttpServerRequest request) {
    String origin = request.headers().get(HttpHeaders.ORIGIN);
    if (origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin)) {
      return true;
    }
    HostAndPort authority = request.authority();
    try {
      URI uri = new URI(origin);
      int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
      int hostPort = authority.port() < 0 ? (request.isSSL() ? 443 : 80) : authority.port();
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
