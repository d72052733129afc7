package io.livejury.support;

import io.livejury.config.EmbeddedServers;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.HashSet;
import java.util.Set;

/**
 * A TCP relay in front of a real server. Taking it down severs every open connection and refuses new ones,
 * which is what the application sees when its database host goes away; bringing it back restores the path.
 */
public final class TcpProxy {

  private final Vertx vertx;
  private final int port;
  private final String targetHost;
  private volatile int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = new HashSet<>();
  private NetServer server;

  public TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.port = belowEphemeralRange();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public int port() {
    return port;
  }

  /**
   * A free port below Linux's ephemeral range (32768 and up): the proxy goes down and up again on the same port,
   * and a port from that range may meanwhile be given to any outgoing connection on the machine.
   */
  private static int belowEphemeralRange() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = random.nextInt(20_000, 32_000);
      try (java.net.ServerSocket probe = new java.net.ServerSocket(candidate, 1,
          java.net.InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (java.io.IOException taken) {
        // try another
      }
    }
    return EmbeddedServers.freePort();
  }

  public synchronized void up() {
    server = vertx.createNetServer().connectHandler(inbound -> {
      inbound.pause();
      client.connect(targetPort, targetHost).onComplete(ar -> {
        if (ar.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = ar.result();
        track(inbound, outbound);
        inbound.pipeTo(outbound);
        outbound.pipeTo(inbound);
        inbound.resume();
      });
    });
    server.listen(port, "127.0.0.1").await();
  }

  /** Points connections made from now on at another port of the same host, as a failover to a promoted replica. */
  public void retarget(int port) {
    targetPort = port;
  }

  public synchronized void down() {
    if (server == null) {
      return;
    }
    server.close().await();
    server = null;
    for (NetSocket socket : Set.copyOf(sockets)) {
      socket.close();
    }
    sockets.clear();
  }

  private synchronized void track(NetSocket inbound, NetSocket outbound) {
    sockets.add(inbound);
    sockets.add(outbound);
  }
}
