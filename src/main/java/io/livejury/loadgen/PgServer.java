package io.livejury.loadgen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Path;

/**
 * A real Postgres in a process of its own for the fault tools: the same PostgreSQL binaries LiveJury embeds,
 * started on a given port with its data in a given directory (kept between starts), until this process's
 * standard input closes — so it never outlives the tool that started it.
 *
 * <p>Usage: {@code PgServer <port> <dataDir>}
 */
public final class PgServer {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(Path.of(args[1]))
        .setCleanDataDirectory(false)
        .setServerConfig("max_connections", "300")
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        postgres.close();
      } catch (Exception e) {
        System.err.println("Postgres did not stop cleanly: " + e.getMessage());
      }
    }));
    System.out.println("Postgres on port " + postgres.getPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // Waits for the parent to go away (or to close the pipe on purpose).
    }
    System.exit(0);
  }

  private PgServer() {
  }
}
