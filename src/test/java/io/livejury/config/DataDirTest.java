package io.livejury.config;

import io.livejury.support.ChildNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One data folder, one live node: a second node on the same folder is refused before it starts anything. */
class DataDirTest {

  @Test
  void aFolderHeldByALiveNodeIsRefusedWithOneLineSayingWhatToDo() throws Exception {
    Path dir = Path.of("target", "data-dir-test-" + System.nanoTime()).toAbsolutePath();
    try (DataDir held = DataDir.lock(dir)) {
      // The refused node names the holder by the pid the lock file holds (the holder itself must not open
      // that file: closing it would drop the lock).
      assertThatThrownBy(() -> DataDir.lock(dir)).isInstanceOf(DataDir.InUse.class);

      ChildNode refused = ChildNode.launch("data-dir-refused", Map.of("LIVEJURY_DATA_DIR", dir.toString()));
      try {
        assertThat(refused.awaitExit()).isEqualTo(1);
      } finally {
        // Had it started after all, its servers must not outlive the test.
        refused.kill();
        Leftovers.stop(dir.resolve("redis/redis.pid"), "redis-server", dir, 5_000);
        Leftovers.stop(dir.resolve("postgres/postmaster.pid"), "postgres", dir, 5_000);
      }
      assertThat(refused.log().strip()).isEqualTo("LiveJury cannot start: The data folder " + held.root()
          + " is in use by another running LiveJury (pid " + ProcessHandle.current().pid()
          + "): stop that one, or give this one another folder with LIVEJURY_DATA_DIR=<folder>");
      assertThat(dir.resolve("redis")).doesNotExist();
      assertThat(dir.resolve("postgres")).doesNotExist();
    }
    // The holder let go: the folder is free again.
    try (DataDir again = DataDir.lock(dir)) {
      assertThat(again.root()).isEqualTo(dir.toRealPath());
    }
    RestartTest.deleteTree(dir);
  }
}
