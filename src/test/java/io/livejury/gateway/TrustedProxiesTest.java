package io.livejury.gateway;

import io.livejury.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which address a connection's client has, from its peer and the X-Forwarded-For its trusted proxies wrote. */
class TrustedProxiesTest {

  private static final TrustedProxies BALANCERS =
      TrustedProxies.parse("LIVEJURY_TRUSTED_PROXIES", List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));

  @Test
  void aTrustedPeerForwardsTheRightmostAddressThatIsNoProxy() {
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
    // The client sent an X-Forwarded-For of its own: the balancer appended what it saw, and that is the client.
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("203.0.113.66, 198.51.100.9"))).isEqualTo("198.51.100.9");
    // Two trusted hops: the second balancer's entry is skipped, so is a second header line of it.
    assertThat(BALANCERS.clientHost("192.0.2.7", List.of("203.0.113.66, 198.51.100.9, 10.9.9.9", "192.0.2.7")))
        .isEqualTo("198.51.100.9");
    assertThat(BALANCERS.clientHost("2001:db8::5", List.of("2001:db8:1::1, 2a00:1450::200e")))
        .isEqualTo("2a00:1450::200e");
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("198.51.100.9:4711"))).isEqualTo("198.51.100.9");
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("[2a00:1450::200e]:443"))).isEqualTo("2a00:1450::200e");
    assertThat(BALANCERS.clientHost("::ffff:10.0.0.1", List.of("198.51.100.9"))).as("an IPv4-mapped peer")
        .isEqualTo("198.51.100.9");
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItForwards() {
    assertThat(BALANCERS.clientHost("198.51.100.9", List.of("203.0.113.66"))).isEqualTo("198.51.100.9");
    assertThat(BALANCERS.clientHost("11.0.0.1", List.of("203.0.113.66"))).isEqualTo("11.0.0.1");
    assertThat(TrustedProxies.NONE.clientHost("10.1.2.3", List.of("203.0.113.66"))).isEqualTo("10.1.2.3");
    assertThat(TrustedProxies.parse("K", List.of()).clientHost("127.0.0.1", List.of("203.0.113.66")))
        .isEqualTo("127.0.0.1");
  }

  @Test
  void nothingUsableForwardedLeavesThePeer() {
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("unknown"))).isEqualTo("10.1.2.3");
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("203.0.113.66, example.com"))).isEqualTo("10.1.2.3");
    assertThat(BALANCERS.clientHost("10.1.2.3", List.of("10.7.7.7, 10.8.8.8"))).as("every hop a proxy: the first")
        .isEqualTo("10.7.7.7");
  }

  @Test
  void blocksMatchByPrefix() {
    TrustedProxies odd = TrustedProxies.parse("K", List.of("172.16.0.0/12", "0.0.0.0/0"));
    assertThat(odd.trusts("172.31.255.255")).isTrue();
    assertThat(TrustedProxies.parse("K", List.of("172.16.0.0/12")).trusts("172.32.0.0")).isFalse();
    assertThat(BALANCERS.trusts("192.0.2.7")).isTrue();
    assertThat(BALANCERS.trusts("192.0.2.8")).isFalse();
    assertThat(BALANCERS.trusts("2001:db9::1")).isFalse();
    assertThat(BALANCERS.trusts("::ffff:10.0.0.1")).isTrue();
  }

  @Test
  void theSettingIsEmptyByDefaultAndReadWithTheSocketSettings() {
    assertThat(Settings.load(Map.of()).socketPolicy().trustedProxies().isEmpty()).isTrue();
    TrustedProxies read = Settings.load(Map.of("LIVEJURY_TRUSTED_PROXIES", " 10.0.0.0/8 , 192.0.2.7"))
        .socketPolicy().trustedProxies();
    assertThat(read.clientHost("10.3.3.3", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
    assertThat(read.clientHost("192.0.2.7", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
    assertThatThrownBy(() -> Settings.load(Map.of("LIVEJURY_TRUSTED_PROXIES", "lb.internal")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LIVEJURY_TRUSTED_PROXIES");
  }

  @Test
  void aSettingThatIsNoAddressIsRefusedByName() {
    assertThatThrownBy(() -> TrustedProxies.parse("LIVEJURY_TRUSTED_PROXIES", List.of("balancer.internal")))
        .hasMessageContaining("LIVEJURY_TRUSTED_PROXIES").hasMessageContaining("balancer.internal");
    assertThatThrownBy(() -> TrustedProxies.parse("LIVEJURY_TRUSTED_PROXIES", List.of("10.0.0.0/33")))
        .hasMessageContaining("prefix length");
    assertThatThrownBy(() -> TrustedProxies.parse("LIVEJURY_TRUSTED_PROXIES", List.of("10.0.0")))
        .hasMessageContaining("10.0.0");
  }
}
