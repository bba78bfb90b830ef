package dev.shoal.core.store;

import dev.shoal.bench.BenchFiles;
import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * {@link ContentStore#contains} over 100k complete blobs with the Caffeine record cache on ({@code
 * cacheEntries=100000}) and off ({@code 0}); hits and misses, one thread.
 *
 * <p>The store is opened over an index of 100k complete records with an empty file for each, so
 * that open()'s reconciliation keeps them and the index reads come from an SST file, as after a
 * restart (the same layout as {@link BlobIndexBenchmark}). Each key is looked up once per 100k
 * operations, so with the cache on every hit is a cache hit after the first warmup pass. See {@link
 * IndexFixture} for why this class lives in {@code dev.shoal.core.store}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@State(Scope.Benchmark)
public class StoreContainsBenchmark {
  @Param({"100000", "0"})
  public long cacheEntries;

  private Path dir;
  private ContentStore store;
  private IndexFixture.Keys keys;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("contains");
    keys = new IndexFixture.Keys();
    Digest[] present = keys.present();
    StoreConfig config = StoreConfig.defaults(dir).withCacheEntries(cacheEntries);
    BlobPaths paths = new BlobPaths(config);
    paths.createDirectories();
    IndexFixture.fill(config.indexDir(), present, IndexFixture.record(0));
    for (Digest d : present) {
      Path f = paths.blob(d);
      Files.createDirectories(f.getParent());
      Files.createFile(f);
    }
    store = ContentStore.open(config, Clock.systemUTC(), BenchFiles.NEVER_FULL);
    if (store.stats().completeBlobs() != present.length) {
      throw new IllegalStateException(
          "store holds " + store.stats() + " (expected: " + present.length + " complete blobs)");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    BenchFiles.closeAndDelete(store, dir);
  }

  @Benchmark
  public boolean containsHit() throws IOException {
    return store.contains(keys.nextPresent());
  }

  @Benchmark
  public boolean containsMiss() throws IOException {
    return store.contains(keys.nextAbsent());
  }
}
