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
  private IndexFixture.Keys keys;
  private BlobRecord record;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("index");
    keys = new IndexFixture.Keys();
    record = IndexFixture.record(4096);
    IndexFixture.fill(dir, keys.present(), record);
    index = BlobIndex.open(dir);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    BenchFiles.closeAndDelete(index, dir);
  }

  @Benchmark
  public Optional<BlobRecord> getHit() throws IndexException {
    return index.get(keys.nextPresent());
  }

  @Benchmark
  public Optional<BlobRecord> getMiss() throws IndexException {
    return index.get(keys.nextAbsent());
  }

  /** {@link BlobIndex#put(Digest, BlobRecord)}: a synced write-ahead-log append per call. */
  @Benchmark
  public void putDurable() throws IndexException {
    index.put(keys.nextPresent(), record);
  }

  @Benchmark
  public void putRelaxed() throws IndexException {
    index.putRelaxed(keys.nextPresent(), record);
  }
}
