package io.livejury.gateway;

import io.livejury.jury.JurorProfile;
import io.livejury.jury.Reputation;
import io.livejury.model.Principal;
import io.livejury.room.Presence;
import io.vertx.core.Future;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Puts together a viewer's {@link JurorProfile} when their socket joins a room, once per socket: the first
 * join (recorded now if it is the first, or if the viewer was away longer than the rejoin grace), the reputation weight and the network id, so no ballot pays for any
 * of it.
 */
final class JurorProfiles {

  /** An IP literal: resolving it never leaves the process, so the event loop may do it. */
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final Presence presence;
  private final Reputation reputation;

  JurorProfiles(Presence presence, Reputation reputation) {
    this.presence = presence;
    this.reputation = reputation;
  }

  /**
   * The viewer's profile in the room; the first join and the weight are read at once.
   *
   * @param remoteHost the client's address (an IP literal): the socket's remote address, or the one a trusted proxy
   *                   forwarded ({@link TrustedProxies}); its network stands in for a missing {@code net} claim
   */
  Future<JurorProfile> profile(Principal viewer, String roomId, String remoteHost) {
    Future<Long> joined = presence.join(roomId, viewer.userId());
    Future<Double> weight = reputation.weight(viewer.userId());
    String netId = netId(viewer.juror().net(), remoteHost);
    return Future.all(joined, weight).map(both ->
        new JurorProfile(viewer.userId(), viewer.juror(), netId, joined.result(), weight.result()));
  }

  /**
   * The first 12 hex digits of SHA-256 of {@code "net:" + net} when the token names a network, else of
   * {@code "ip:" + } the remote /24 (IPv4, e.g. {@code ip:203.0.113}) or /48 (IPv6, e.g. {@code ip:2001:db8:0}):
   * viewers behind one network share an id, and the address itself is not kept.
   */
  static String netId(String net, String remoteHost) {
    return sha256Prefix(net != null ? "net:" + net : "ip:" + network(remoteHost));
  }

  private static String network(String host) {
    if (host == null) {
      return "";
    }
    int scope = host.indexOf('%');
    String literal = scope < 0 ? host : host.substring(0, scope);
    if (!IP_LITERAL.matcher(literal).matches()) {
      return literal;
    }
    try {
      byte[] address = InetAddress.getByName(literal).getAddress();
      if (address.length == 4) {
        return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF);
      }
      return Integer.toHexString((address[0] & 0xFF) << 8 | address[1] & 0xFF) + ":"
          + Integer.toHexString((address[2] & 0xFF) << 8 | address[3] & 0xFF) + ":"
          + Integer.toHexString((address[4] & 0xFF) << 8 | address[5] & 0xFF);
    } catch (UnknownHostException notAnAddress) {
      return literal;
    }
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
