package io.livejury.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The load balancers and reverse proxies in front of a node ({@code LIVEJURY_TRUSTED_PROXIES}: IP addresses and
 * CIDR blocks), and the client address they forward. Behind a load balancer every connection comes from the
 * balancer, so a juror's network (their {@code net} claim's stand-in) must come from {@code X-Forwarded-For}; but
 * anyone can send that header, so it is read only from a trusted peer, and only as far as trusted proxies wrote it:
 * the client is the rightmost entry that is not itself a trusted proxy. Everything left of it was sent by the
 * client and proves nothing.
 */
public final class TrustedProxies {

  /** No proxy is trusted: the socket's remote address is the client. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
      + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  /** Hex digits and colons (an embedded dotted quad allowed): resolving it never leaves the process. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):\\d{1,5}");
  private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]+)\\](?::\\d{1,5})?");

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /**
   * @param key     the setting's name, for the error message
   * @param entries IP addresses ({@code 10.0.0.5}, {@code 2001:db8::1}) and CIDR blocks ({@code 10.0.0.0/8},
   *                {@code 2001:db8::/32}); none trusts no proxy
   * @throws IllegalArgumentException naming the setting and the entry that is neither
   */
  public static TrustedProxies parse(String key, Collection<String> entries) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      String text = entry.trim();
      if (text.isEmpty()) {
        continue;
      }
      int slash = text.indexOf('/');
      byte[] address = address(slash < 0 ? text : text.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException(key + " holds '" + text + "', which is not an IP address or CIDR block");
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException(key + " holds '" + text + "', whose prefix length is not 0 to "
              + address.length * 8);
        }
      }
      blocks.add(new Block(address, bits));
    }
    return new TrustedProxies(blocks);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /**
   * The client's address: the remote address itself unless it is a trusted proxy; then the rightmost entry of
   * {@code X-Forwarded-For} (all its header lines in order, comma-separated entries) that is not a trusted proxy,
   * or the leftmost entry when every one is. When there is no entry, or the entry found is not an IP address, the
   * remote address stands (the proxy forwarded nothing usable).
   *
   * @param remoteHost    the connection's remote address, an IP literal (null when unknown)
   * @param forwardedFor  the request's {@code X-Forwarded-For} header lines, in order
   */
  public String clientHost(String remoteHost, List<String> forwardedFor) {
    if (blocks.isEmpty() || remoteHost == null || !trusts(remoteHost) || forwardedFor.isEmpty()) {
      return remoteHost;
    }
    List<String> entries = new ArrayList<>();
    for (String line : forwardedFor) {
      for (String entry : line.split(",")) {
        if (!entry.isBlank()) {
          entries.add(entry.trim());
        }
      }
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      String host = host(entries.get(i));
      if (host == null) {
        return remoteHost;
      }
      if (!trusts(host) || i == 0) {
        return host;
      }
    }
    return remoteHost;
  }

  /** Whether {@code host} (an IP literal) lies in a trusted block. */
  boolean trusts(String host) {
    byte[] address = address(host);
    if (address == null) {
      return false;
    }
    for (Block block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** An entry's address without the port or brackets some proxies add; null when it is no IP address. */
  private static String host(String entry) {
    var bracketed = BRACKETED.matcher(entry);
    var withPort = IPV4_WITH_PORT.matcher(entry);
    String host = bracketed.matches() ? bracketed.group(1) : withPort.matches() ? withPort.group(1) : entry;
    return address(host) == null ? null : host;
  }

  /** The address's bytes (an IPv4-mapped IPv6 address as IPv4), or null when the text is no IP literal. */
  private static byte[] address(String text) {
    int scope = text.indexOf('%');
    String literal = scope < 0 ? text : text.substring(0, scope);
    if (!IPV4.matcher(literal).matches() && !(literal.contains(":") && IPV6.matcher(literal).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException notAnAddress) {
      return null;
    }
  }

  private record Block(byte[] address, int bits) {

    boolean contains(byte[] other) {
      if (other.length != address.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (other[i] != address[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xFF << (8 - rest) & 0xFF;
      return (other[whole] & mask) == (address[whole] & mask);
    }
  }
}
