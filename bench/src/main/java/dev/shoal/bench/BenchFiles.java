package dev.shoal.bench;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.store.DiskUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Scratch directories and random content for benchmarks; the JMH stand-in for {@code @TempDir}. */
public final class BenchFiles {
  /** A disk that is never full, so background eviction never runs during a measurement. */
  public static final DiskUsage NEVER_FULL =
      new DiskUsage() {
        @Override
        public long totalBytes() {
          return 1L << 50;
        }

        @Override
        public long usableBytes() {
          return 1L << 50;
        }
      };

  private BenchFiles() {}

  /** A fresh directory under {@code java.io.tmpdir} (/tmp), to be removed with {@link #delete}. */
  public static Path freshDir(String purpose) throws IOException {
    return Files.createTempDirectory("shoal-bench-" + purpose + "-");
  }

  /** Removes {@code dir} and everything under it; a missing directory is not an error. */
  public static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A trial's teardown: closes {@code open} (a store or an index; nothing when null), then removes
   * {@code dir}, also when closing failed.
   */
  public static void closeAndDelete(AutoCloseable open, Path dir) throws Exception {
    try {
      if (open != null) {
        open.close();
      }
    } finally {
      delete(dir);
    }
  }

  /**
   * {@code size} pseudo-random bytes. Seeded, so runs hash the same data; random, so no layer of
   * the stack (page cache, file system, disk) can compress or deduplicate it.
   */
  public static byte[] randomBytes(int size, long seed) {
    byte[] out = new byte[size];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < size; i += 8) {
      long v = r.nextLong();
      for (int j = 0; j < 8 && i + j < size; j++) {
        out[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return out;
  }

  /**
   * Writes {@code size} bytes of {@code java.util.Random(seed)} to {@code file} (replacing what it
   * held) in 1 MiB chunks, never all in the heap; returns their SHA-256, as a blob to push.
   */
  public static Digest writeRandomBlob(Path file, long size, long seed) throws IOException {
    Random rnd = new Random(seed);
    byte[] buf = new byte[1 << 20];
    Hashing h = new Hashing(DigestAlgorithm.SHA256);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        rnd.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        h.update(buf, 0, n);
      }
    }
    return h.digest();
  }

  /** Writes {@code size} random bytes to {@code file} in 1 MiB chunks, never all in the heap. */
  public static void writeRandomFile(Path file, long size) throws IOException {
    byte[] chunk = randomBytes(1 << 20, 42);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long left = size;
      long round = 0;
      while (left > 0) {
        // Vary each chunk so that no two MiB of the file are equal.
        ByteBuffer.wrap(chunk).putLong(0, round++);
        ByteBuffer b = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, left));
        while (b.hasRemaining()) {
          left -= ch.write(b);
        }
      }
    }
  }
}
