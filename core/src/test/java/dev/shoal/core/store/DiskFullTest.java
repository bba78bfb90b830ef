package dev.shoal.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real full file system: a small tmpfs mounted for the test (needs root, as CI runs). */
class DiskFullTest {
  private static final String TYPE = "application/octet-stream";

  @TempDir Path mountPoint;
  private boolean mounted;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);

  @BeforeEach
  void mount() throws Exception {
    mounted = run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mountPoint.toString());
    assumeTrue(mounted, "mounting a tmpfs needs root; CI runs as root");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      run("umount", mountPoint.toString());
    }
  }

  @Test
  void writeThatFillsTheDiskFailsClearlyAndLeavesTheStoreConsistent() throws IOException {
    byte[] small = Blobs.random(1, 100_000);
    byte[] huge = Blobs.random(2, 40 << 20);
    try (ContentStore store = ContentStore.open(StoreConfig.defaults(mountPoint), clock)) {
      store.put(Digest.sha256Of(small), new ByteArrayInputStream(small), small.length, TYPE);

      assertThatThrownBy(
              () ->
                  store.put(
                      Digest.sha256Of(huge), new ByteArrayInputStream(huge), huge.length, TYPE))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("No space left on device");

      assertThat(ContentStoreTest.filesUnder(mountPoint.resolve("tmp"))).isEmpty();
      assertThat(store.contains(Digest.sha256Of(huge))).isFalse();
      // The space came back: the store keeps working without a restart.
      byte[] after = Blobs.random(3, 200_000);
      store.put(Digest.sha256Of(after), new ByteArrayInputStream(after), after.length, TYPE);
    }
    try (ContentStore store = ContentStore.open(StoreConfig.defaults(mountPoint), clock)) {
      assertThat(store.stats().completeBlobs()).isEqualTo(2);
      try (InputStream in = store.openStream(Digest.sha256Of(small))) {
        assertThat(in.readAllBytes()).isEqualTo(small);
      }
    }
  }

  private static boolean run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
