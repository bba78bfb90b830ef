package dev.shoal.bench;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.BlobWriter;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.StoreConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Whole-blob commits: {@link ContentStore#put} (temp file, hash, fsync, rename, directory fsync,
 * synced index commit) against writing the same bytes with {@link Files#write} and forcing them
 * with {@link FileChannel#force}, the least any durable write costs.
 *
 * <p>Every operation writes new content: before each one (outside the measured time) the first 8
 * bytes of the buffer get a new counter and the caller's digest is computed, as a puller knows it
 * from the manifest; the store's own hashing while writing is measured. After each one (also
 * outside) the blob or file is deleted, so the store and the disk stay the same size. MB/s = ops/s
 * × size. Level.Invocation fixtures are fine here: every operation waits for at least one fsync,
 * far longer than the fixture's timestamps.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@State(Scope.Benchmark)
public class BlobCommitBenchmark {
  private static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final int CHUNK = 1 << 20;

  /** Blob size in bytes: 4 KiB (a manifest or config) and 64 MiB (a layer). */
  @Param({"4096", "67108864"})
  public int size;

  private Path dir;
  private Path plainDir;
  private ContentStore store;
  private byte[] content;
  private long counter;
  private Digest digest;
  private Path plainFile;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("commit");
    plainDir = Files.createDirectories(dir.resolve("plain"));
    store =
        ContentStore.open(
            StoreConfig.defaults(dir.resolve("store")), Clock.systemUTC(), BenchFiles.NEVER_FULL);
    content = BenchFiles.randomBytes(size, 3);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    BenchFiles.closeAndDelete(store, dir);
  }

  @Setup(Level.Invocation)
  public void nextContent() {
    ByteBuffer.wrap(content).putLong(0, ++counter);
    digest = Digest.sha256Of(content);
    plainFile = plainDir.resolve(counter + ".bin");
  }

  @TearDown(Level.Invocation)
  public void dropContent() throws IOException {
    store.delete(digest);
    Files.deleteIfExists(plainFile);
  }

  /** The public whole-blob path: an {@code InputStream} copied with {@code transferTo}. */
  @Benchmark
  public BlobInfo storePut() throws IOException {
    return store.put(digest, new ByteArrayInputStream(content), size, MEDIA_TYPE);
  }

  /** The same commit, fed to the {@link BlobWriter} in 1 MiB writes instead of the stream's. */
  @Benchmark
  public BlobInfo storeWriter1MiB() throws IOException {
    try (BlobWriter w = store.writer(digest, size, MEDIA_TYPE)) {
      for (int off = 0; off < size; off += CHUNK) {
        w.write(ByteBuffer.wrap(content, off, Math.min(CHUNK, size - off)));
      }
      return w.commit();
    }
  }

  /** Baseline: {@code Files.write} of the same bytes, then {@code FileChannel.force(true)}. */
  @Benchmark
  public Path plainWriteForce() throws IOException {
    Files.write(plainFile, content);
    try (FileChannel ch = FileChannel.open(plainFile, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    return plainFile;
  }
}
