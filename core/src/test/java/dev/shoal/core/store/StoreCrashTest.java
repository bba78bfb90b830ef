package dev.shoal.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a separate JVM that is writing to the store with SIGKILL at random moments, 20 times, and
 * checks after each restart that the store opens, every complete blob has exactly its bytes, and no
 * partial blob claims a piece it does not have.
 */
class StoreCrashTest {
  private static final int ROUNDS = 20;

  @TempDir Path dir;

  @Test
  void storeStaysConsistentAcrossKillNine() throws Exception {
    Random rnd = new Random(7);
    int completeSeen = 0;
    int partialSeen = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      Process worker = startWorker(round);
      try {
        awaitReady(worker);
        Thread.sleep(50 + rnd.nextInt(700));
      } finally {
        worker.destroyForcibly(); // SIGKILL on Linux
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      Map<Digest, byte[]> expected = expectedBlobs();
      try (ContentStore store =
          ContentStore.open(StoreConfig.defaults(dir.resolve("store")), Clock.systemUTC())) {
        assertThat(ContentStoreTest.filesUnder(dir.resolve("store/tmp"))).isEmpty();
        long completeBytes = 0;
        for (BlobInfo info : store.list()) {
          byte[] want = expected.get(info.digest());
          assertThat(want).as("blob %s was written by the worker", info.digest()).isNotNull();
          if (info.complete()) {
            completeSeen++;
            completeBytes += info.size();
            try (InputStream in = store.openStream(info.digest())) {
              assertThat(Digest.sha256Of(in.readAllBytes())).isEqualTo(info.digest());
            }
          } else {
            partialSeen++;
            assertThat(store.contains(info.digest())).isFalse();
            checkHeldPieces(store, info, want);
          }
        }
        assertThat(store.stats().completeBytes()).isEqualTo(completeBytes);
      }
    }
    // The rounds must have exercised both kinds, or the checks above proved nothing.
    assertThat(completeSeen).isPositive();
    assertThat(partialSeen).isPositive();
  }

  private static void checkHeldPieces(ContentStore store, BlobInfo info, byte[] want)
      throws Exception {
    PartialBlob p =
        store.partial(info.digest(), info.size(), CrashWorker.PIECE, List.of(), info.mediaType());
    for (int i = 0; i < p.pieceCount(); i++) {
      if (p.has(i)) {
        ByteBuffer got = ByteBuffer.allocate(p.lengthOf(i));
        while (got.hasRemaining() && p.read(p.offsetOf(i) + got.position(), got) >= 0) {
          // read the whole piece
        }
        int off = (int) p.offsetOf(i);
        assertThat(got.array())
            .as("piece %d of %s", i, info.digest())
            .isEqualTo(Arrays.copyOfRange(want, off, off + p.lengthOf(i)));
      }
    }
  }

  private Process startWorker(int round) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CrashWorker.class.getName(),
            dir.toString(),
            Integer.toString(round))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void awaitReady(Process p) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while ((line = r.readLine()) != null) {
      if (line.equals("ready")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    throw new AssertionError(
        "crash worker did not start (exit " + (p.isAlive() ? "-" : p.exitValue()) + ")");
  }

  private Map<Digest, byte[]> expectedBlobs() throws Exception {
    Map<Digest, byte[]> out = new HashMap<>();
    Path f = dir.resolve("expected");
    if (!Files.exists(f)) {
      return out;
    }
    for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
      String[] parts = line.split(" ");
      if (parts.length != 2) {
        continue; // the last line may be torn by the kill; its blob was not started
      }
      byte[] b = Blobs.random(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
      out.put(Digest.sha256Of(b), b);
    }
    return out;
  }
}
