package io.livejury.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * Real Redis and Postgres servers shipped as Maven artifacts, started when no external server is configured,
 * so a machine with only a JDK and Maven runs all of LiveJury. They keep their data in one folder
 * ({@link DataDir}) and find it again on the next start: servers a dead node left running on that folder
 * are stopped first, and a folder held by a live node is refused. Redis is watched and started again if it
 * dies. Everything here blocks: call it before Vert.x runs, never on an event loop.
 */
public final class EmbeddedServers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);
  private static final String POSTGRES_PID_FILE = "postmaster.pid";

  /**
   * How the embedded servers run; every number comes from configuration.
   *
   * @param dataDir the data folder ({@code LIVEJURY_DATA_DIR})
   * @param fresh   start from empty data, after stopping leftovers (tests)
   * @param startWaitMs how long a server may take to accept connections, its data replayed, in ms
   * @param stopWaitMs how long a server may take to stop after SIGTERM before SIGKILL, in ms
   * @param redisRestartDelayMs pause before a dead Redis is started again, in ms
   * @param redisMaxClients Redis's {@code maxclients}
   * @param pgMaxConnections Postgres's {@code max_connections}
   */
  public record Options(Path dataDir, boolean fresh, long startWaitMs, long stopWaitMs, long redisRestartDelayMs,
      int redisMaxClients, int pgMaxConnections) {

    public Options in(Path dir) {
      return new Options(dir, fresh, startWaitMs, stopWaitMs, redisRestartDelayMs, redisMaxClients, pgMaxConnections);
    }

    public Options startingEmpty() {
      return new Options(dataDir, true, startWaitMs, stopWaitMs, redisRestartDelayMs, redisMaxClients,
          pgMaxConnections);
    }
  }

  private final DataDir dataDir;
  private final SupervisedRedis redis;
  private final EmbeddedPostgres postgres;

  private EmbeddedServers(DataDir dataDir, SupervisedRedis redis, EmbeddedPostgres postgres) {
    this.dataDir = dataDir;
    this.redis = redis;
    this.postgres = postgres;
  }

  /**
   * Takes the data folder, stops what a dead node left running on it, then starts whichever of the two
   * servers is needed on the data already there (or on new data the first time).
   *
   * @throws DataDir.InUse when a live LiveJury holds the folder
   * @throws UncheckedIOException when a server cannot be started
   * @throws IllegalStateException when a leftover server cannot be stopped
   */
  public static EmbeddedServers start(boolean needRedis, boolean needPostgres, Options options) {
    DataDir dir = DataDir.lock(options.dataDir());
    SupervisedRedis redis = null;
    EmbeddedPostgres postgres = null;
    try {
      Leftovers.stop(dir.redis().resolve(SupervisedRedis.PID_FILE), "redis-server", dir.bin(), options.stopWaitMs());
      Leftovers.stop(dir.postgres().resolve(POSTGRES_PID_FILE), "postgres", dir.postgres(), options.stopWaitMs());
      if (options.fresh()) {
        deleteTree(dir.redis());
        deleteTree(dir.postgres());
      }
      if (needRedis) {
        Path binary = ExecutableProvider.newJarResourceProvider(() -> {
          Files.createDirectories(dir.bin());
          return dir.bin().toFile();
        }).get().toPath();
        redis = new SupervisedRedis(binary, dir.redis(), freePort(), options);
        redis.start();
        LOG.info("Embedded Redis on port {}, data in {}", redis.port(), dir.redis());
      }
      if (needPostgres) {
        postgres = EmbeddedPostgres.builder()
            .setDataDirectory(dir.postgres())
            .setCleanDataDirectory(false)
            // Our own close runs after the node has stopped; the library's hook would race it.
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofMillis(options.startWaitMs()))
            .setServerConfig("max_connections", Integer.toString(options.pgMaxConnections()))
            // The library turns both off for speed; a verdict acknowledged off the stream must survive a crash.
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("fsync", "on")
            .start();
        LOG.info("Embedded Postgres on port {}, data in {}", postgres.getPort(), dir.postgres());
      }
      return new EmbeddedServers(dir, redis, postgres);
    } catch (IOException | RuntimeException e) {
      if (redis != null) {
        redis.close();
      }
      closePostgres(postgres);
      dir.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Could not start the embedded servers on " + dir.root() + ": "
            + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  public String redisUrl() {
    return "redis://127.0.0.1:" + redis.port();
  }

  public String pgUrl() {
    return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public boolean hasRedis() {
    return redis != null;
  }

  public boolean hasPostgres() {
    return postgres != null;
  }

  /** The pid of the running redis-server, or -1 while it is being started again. */
  public long redisPid() {
    return redis.pid();
  }

  /** The absolute data folder these servers use. */
  public Path dataDir() {
    return dataDir.root();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops both servers cleanly (their data stays), then lets go of the data folder. */
  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
    closePostgres(postgres);
    dataDir.close();
  }

  private static void closePostgres(EmbeddedPostgres postgres) {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        LOG.warn("Stopping the embedded Postgres failed", e);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
