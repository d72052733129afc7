package io.livejury.gateway;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

import java.util.regex.Pattern;

/**
 * Headers on every answer. No MIME sniffing; no Referer, since the pages carry a room id in the query and
 * may carry a token in the fragment; and a Content-Security-Policy that lets a page load only this server's
 * own files (no inline script or style), connect only back to it, and never be framed. Frame protection
 * itself is vertx-web's {@code XFrameHandler}, for browsers that predate {@code frame-ancestors}.
 */
final class SecurityHeaders implements SecurityPolicyHandler {

  /** A host name or address literal and an optional port: anything else is not echoed into the policy. */
  private static final Pattern AUTHORITY =
      Pattern.compile("(?:[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}])(?::[0-9]{1,5})?");

  /** The API docs page, whose renderer (swagger-ui) draws its icons as {@code data:} images from its stylesheet. */
  static final String DOCS_PAGE = "/docs/api.html";

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Content-Security-Policy", policy(ctx.request().authority(), ctx.request().path()));
    ctx.next();
  }

  /** The policy of the page at {@code path}: {@link #policy(HostAndPort)}, and the docs page may show data: images. */
  static String policy(HostAndPort authority, String path) {
    return DOCS_PAGE.equals(path) ? policy(authority) + "; img-src 'self' data:" : policy(authority);
  }

  /**
   * {@code connect-src 'self'} covers the page's own ws:/wss: origin only from CSP level 3 on, and Safari
   * does not follow it: the host the browser asked for is named with both schemes, so the room socket,
   * opened to {@code location.host}, is allowed everywhere.
   */
  static String policy(HostAndPort authority) {
    String sockets = "";
    if (authority != null) {
      String host = authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
      if (AUTHORITY.matcher(host).matches()) {
        sockets = " ws://" + host + " wss://" + host;
      }
    }
    return "default-src 'self'; connect-src 'self'" + sockets
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }
}
