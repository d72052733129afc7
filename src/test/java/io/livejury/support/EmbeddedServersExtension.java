package io.livejury.support;

import io.livejury.config.EmbeddedServers;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the real embedded Redis and Postgres once per test run (not per class) and stops them when the
 * run ends; every test class that talks to them extends with this.
 */
public final class EmbeddedServersExtension implements BeforeAllCallback {

  private static EmbeddedServers servers;

  @Override
  public void beforeAll(ExtensionContext context) {
    servers();
  }

  public static synchronized EmbeddedServers servers() {
    if (servers == null) {
      servers = EmbeddedServers.startMissing(true, true);
      Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "embedded-servers-stop"));
    }
    return servers;
  }
}
