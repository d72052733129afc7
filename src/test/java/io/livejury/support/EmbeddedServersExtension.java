package io.livejury.support;

import io.livejury.config.EmbeddedServers;
import io.livejury.config.Settings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the real embedded Redis and Postgres once per test run (not per class) and stops them when the
 * run ends; every test class that talks to them extends with this. Their data lives under {@code target/},
 * emptied at the start of each run (after stopping servers a killed run left behind), never in {@code ./data}.
 */
public final class EmbeddedServersExtension implements BeforeAllCallback {

  private static EmbeddedServers servers;

  @Override
  public void beforeAll(ExtensionContext context) {
    servers();
  }

  public static synchronized EmbeddedServers servers() {
    if (servers == null) {
      servers = EmbeddedServers.start(true, true, options(Path.of("target", "embedded-data")).startingEmpty());
      Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "embedded-servers-stop"));
    }
    return servers;
  }

  /** The shipped defaults for embedded servers, on a data folder of the test's choosing. */
  public static EmbeddedServers.Options options(Path dataDir) {
    return Settings.load(Map.of()).embedded().in(dataDir);
  }
}
