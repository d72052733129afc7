package io.livejury.support;

import io.livejury.config.EmbeddedServers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for test servers. */
public final class Ports {

  private Ports() {
  }

  /**
   * A free loopback port below Linux's ephemeral range (32768 and up), for a server that goes down and comes up again
   * on the same port: a port from that range may meanwhile be given to any outgoing connection on the machine.
   */
  public static int reusable() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = random.nextInt(20_000, 32_000);
      try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // try another
      }
    }
    return EmbeddedServers.freePort();
  }
}
