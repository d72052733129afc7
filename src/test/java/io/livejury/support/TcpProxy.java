package io.livejury.support;

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
    this.port = Ports.reusable();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public int port() {
    return port;
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
