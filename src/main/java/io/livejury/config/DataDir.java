package io.livejury.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The folder where the embedded Redis and Postgres keep their data between runs ({@code LIVEJURY_DATA_DIR}):
 * {@code redis/}, {@code postgres/}, {@code bin/} (the Redis binary) and {@code livejury.lock}. A node holds
 * an OS lock on the lock file for as long as its JVM lives, so a second node cannot start servers on the
 * same data; the kernel drops the lock when the JVM dies, even by {@code kill -9}, so a dead node's folder
 * is free again at once.
 */
public final class DataDir implements AutoCloseable {

  public static final String LOCK_FILE = "livejury.lock";

  /**
   * Folders this JVM holds. A second channel on a held lock file must never be opened, not even to read it:
   * closing any descriptor of a file drops every POSIX lock this process has on it.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path root;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private DataDir(Path root, FileChannel channel, FileLock lock) {
    this.root = root;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the folder if needed and takes its lock, writing this JVM's pid into the lock file.
   *
   * @param dir the data folder, relative to the working folder or absolute
   * @throws InUse when another live process (or another holder in this JVM) has the lock
   * @throws UncheckedIOException when the folder or lock file cannot be created
   */
  public static DataDir lock(Path dir) {
    Path root;
    try {
      root = Files.createDirectories(dir.toAbsolutePath().normalize()).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the data folder " + dir.toAbsolutePath(), e);
    }
    if (!HELD.add(root)) {
      throw new InUse(root, Long.toString(ProcessHandle.current().pid()));
    }
    FileChannel channel = null;
    try {
      Path lockFile = root.resolve(LOCK_FILE);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        HELD.remove(root);
        throw new InUse(root, holder);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new DataDir(root, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      HELD.remove(root);
      throw new UncheckedIOException("Cannot lock the data folder " + root, e);
    }
  }

  /** The absolute data folder. */
  public Path root() {
    return root;
  }

  public Path redis() {
    return root.resolve("redis");
  }

  public Path postgres() {
    return root.resolve("postgres");
  }

  public Path bin() {
    return root.resolve("bin");
  }

  /** Releases the lock; the lock file stays, holding the pid of the last node that used the folder. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it anyway.
    }
    closeQuietly(channel);
    HELD.remove(root);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing left to do with a channel that will not close.
      }
    }
  }

  /** Another running LiveJury holds the folder; the message is one line saying what to do. */
  public static final class InUse extends IllegalStateException {

    InUse(Path root, String holderPid) {
      super("The data folder " + root + " is in use by another running LiveJury"
          + (holderPid.isEmpty() ? "" : " (pid " + holderPid + ")")
          + ": stop that one, or give this one another folder with LIVEJURY_DATA_DIR=<folder>");
    }
  }
}
