package io.livejury.gateway;

import java.util.Set;

/**
 * How much a node lets one connection cost it, from {@code livejury-defaults.properties}.
 *
 * @param backlogBytes     bytes of frames that must not be dropped (acks, prompts, verdicts…) a socket may have
 *                         queued while it is not reading; past this it is closed with {@link #SLOW_CONSUMER}
 * @param stuckSeconds     a socket that has taken no write for this long is closed with {@link #SLOW_CONSUMER}
 * @param sendBufferBytes  the kernel send buffer of each connection (SO_SNDBUF), bounding what a reader that
 *                         stopped holds in the kernel and letting the node see it sooner
 * @param pingSeconds      how often a WebSocket ping goes to each socket; browsers and WebSocket libraries
 *                         answer it with a pong by themselves
 * @param idleSeconds      a socket from which nothing arrived for this long (not even a pong) is closed
 * @param perUser          sockets one user id may hold on one node at once; the next handshake gets 429
 * @param handshakeSeconds a connection must send a complete request or WebSocket upgrade within this time
 * @param httpIdleSeconds  an HTTP connection with no traffic either way for this long is closed
 * @param bodySeconds      a request's body must all arrive within this time of its headers, or the request is
 *                         answered 408 and its connection closed
 * @param allowedOrigins   browser origins (scheme://host[:port]) whose pages may open sockets besides the
 *                         node's own origin; {@code *} allows any. Clients that send no Origin (apps, tools)
 *                         are not browsers and are let through on their token alone
 * @param trustedProxies   the load balancers and proxies whose {@code X-Forwarded-For} names the client, whose
 *                         network then stands in for a viewer's missing {@code net} claim; none: the socket's
 *                         remote address is the client
 */
public record SocketPolicy(
    int backlogBytes,
    int stuckSeconds,
    int sendBufferBytes,
    int pingSeconds,
    int idleSeconds,
    int perUser,
    int handshakeSeconds,
    int httpIdleSeconds,
    int bodySeconds,
    Set<String> allowedOrigins,
    TrustedProxies trustedProxies) {

  /** Close code for a socket that does not read what it is sent (RFC 6455 registry: "try again later"). */
  public static final short SLOW_CONSUMER = 1013;
  /** Close code for a socket that went silent (RFC 6455: "going away"). */
  public static final short IDLE = 1001;
  /** Close code for a frame that breaks RFC 6455 (unmasked, reserved opcode or bits). */
  public static final short PROTOCOL_ERROR = 1002;
  /** Close code for a message past the hard size limit (RFC 6455: "message too big"). */
  public static final short TOO_BIG = 1009;
}
