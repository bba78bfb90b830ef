package dev.shoal.core.store;

import dev.shoal.bench.BenchFiles;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
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
 * {@link BlobIndex} operations on an index of 100k records with random keys, one thread.
 *
 * <p>The index is filled, closed and opened again before measuring: reopening replays the
 * write-ahead log into an SST file, so lookups go through the block cache and bloom filter as they
 * do in an agent that has restarted, not through the memtable of a freshly written index. Puts
 * overwrite existing keys, so the index stays at 100k records. See {@link IndexFixture} for why
 * this class lives in {@code dev.shoal.core.store}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@State(Scope.Benchmark)
public class BlobIndexBenchmark {
  private Path dir;
  private BlobIndex index;
  private Digest[] present;
  private Digest[] absent;
  private BlobRecord record;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("index");
    present = IndexFixture.present();
    absent = IndexFixture.absent();
    record = IndexFixture.record(4096);
    try (BlobIndex fill = BlobIndex.open(dir)) {
      for (Digest d : present) {
        fill.putRelaxed(d, record);
      }
    }
    index = BlobIndex.open(dir);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (index != null) {
      index.close();
    }
    BenchFiles.delete(dir);
  }

  private int nextSlot() {
    int i = next;
    next = i + 1 == present.length ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public Optional<BlobRecord> getHit() throws IndexException {
    return index.get(present[nextSlot()]);
  }

  @Benchmark
  public Optional<BlobRecord> getMiss() throws IndexException {
    return index.get(absent[nextSlot()]);
  }

  /** {@link BlobIndex#put(Digest, BlobRecord)}: a synced write-ahead-log append per call. */
  @Benchmark
  public void putDurable() throws IndexException {
    index.put(present[nextSlot()], record);
  }

  @Benchmark
  public void putRelaxed() throws IndexException {
    index.putRelaxed(present[nextSlot()], record);
  }
}
