package dev.shoal.bench;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.Hashing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 of a whole file from the page cache, the way the store verifies blobs ({@link
 * Hashing#file}), against the same loop through a heap buffer. One operation hashes the whole file:
 * MB/s = ops/s × file size. run-foundation.sh passes a 1 GiB file with {@code -p file=…} and warms
 * the page cache first; without it, a 1 GiB file is made in a scratch directory.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class Sha256FileBenchmark {
  private static final long DEFAULT_SIZE = 1L << 30;

  /** The file to hash; empty makes a 1 GiB random file in a fresh scratch directory. */
  @Param("")
  public String file;

  private Path path;
  private Path scratch;
  private ByteBuffer heap;
  private MessageDigest md;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (file.isEmpty()) {
      scratch = BenchFiles.freshDir("sha256");
      path = scratch.resolve("random.bin");
      BenchFiles.writeRandomFile(path, DEFAULT_SIZE);
    } else {
      path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("file: " + file + " (expected: an existing file)");
      }
    }
    heap = ByteBuffer.allocate(1 << 20);
    md = DigestAlgorithm.SHA256.newHasher();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    BenchFiles.delete(scratch);
  }

  /** The store's own path: {@code FileChannel} into a 1 MiB direct buffer, then the digest. */
  @Benchmark
  public Digest hashingFile() throws IOException {
    return Hashing.file(path, DigestAlgorithm.SHA256);
  }

  /** The same loop through a reused 1 MiB heap buffer: the digest reads the array directly. */
  @Benchmark
  public byte[] heapBufferFile() throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      heap.clear();
      while (ch.read(heap) >= 0) {
        md.update(heap.array(), 0, heap.position());
        heap.clear();
      }
    }
    return md.digest();
  }
}
