package io.livejury.gateway;

import io.livejury.LiveJury;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class AdminPortTest {

  @Test
  void withAnAdminPortMetricsLeaveThePublicPortForLoopback(VertxTestContext tc) throws SocketException {
    TestNode node = TestNode.start(Map.of("LIVEJURY_ADMIN_PORT", "0"));
    try {
      assertThat(node.adminPort()).isPositive().isNotEqualTo(node.port());
      Http open = new Http(node.port());
      Http admin = new Http(node.adminPort());

      assertThat(open.exchange("/metrics").statusCode()).isEqualTo(404);
      assertThat(open.get("/health", null).status()).isEqualTo(200);

      HttpResponse<String> metrics = admin.exchange("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(metrics.body()).contains("livejury_sockets ");
      assertThat(admin.get("/health", null).status()).isEqualTo(200);
      Http.Reply elsewhere = admin.get("/api/rooms/x", null);
      assertThat(elsewhere.status()).isEqualTo(404);
      assertThat(elsewhere.errorCode()).isEqualTo("not_found");

      // Bound to 127.0.0.1: the machine's other addresses do not answer on it.
      Optional<InetAddress> outside = NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
          .findFirst();
      if (outside.isPresent()) {
        assertThatThrownBy(() -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(outside.get(), node.adminPort()), 2_000);
          }
        }).isInstanceOf(IOException.class);
      }
    } finally {
      node.stop();
    }
    tc.completeNow();
  }

  @Test
  void withoutOneMetricsStayOnThePublicPort(VertxTestContext tc) {
    TestNode node = TestNode.start(Map.of("LIVEJURY_ADMIN_PORT", ""));
    try {
      assertThat(node.adminPort()).isEqualTo(LiveJury.NO_ADMIN_PORT);
      HttpResponse<String> metrics = new Http(node.port()).exchange("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("livejury_sockets ");
    } finally {
      node.stop();
    }
    tc.completeNow();
  }
}
