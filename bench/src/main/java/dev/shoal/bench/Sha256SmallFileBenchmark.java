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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Hashing#file} on a 4 KiB file (a manifest or config blob, the common case when open()
 * re-hashes files), against the identical loop with its 1 MiB direct buffer allocated once. The
 * difference is what allocating and zeroing a fresh 1 MiB direct buffer per call costs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@State(Scope.Benchmark)
public class Sha256SmallFileBenchmark {
  private static final int SIZE = 4096;

  private Path scratch;
  private Path path;
  private ByteBuffer reused;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    scratch = BenchFiles.freshDir("sha256-small");
    path = scratch.resolve("small.bin");
    Files.write(path, BenchFiles.randomBytes(SIZE, 7));
    reused = ByteBuffer.allocateDirect(1 << 20);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    BenchFiles.delete(scratch);
  }

  @Benchmark
  public Digest hashingFile() throws IOException {
    return Hashing.file(path, DigestAlgorithm.SHA256);
  }

  /** {@link Hashing#file}'s loop, with the buffer reused instead of allocated per call. */
  @Benchmark
  public Digest reusedDirectBuffer() throws IOException {
    Hashing h = new Hashing(DigestAlgorithm.SHA256);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      reused.clear();
      while (ch.read(reused) >= 0) {
        reused.flip();
        h.update(reused);
        reused.clear();
      }
    }
    return h.digest();
  }
}
