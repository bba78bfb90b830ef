package dev.shoal.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eviction order and limits, driven by an injected clock and an injected file system size. */
class EvictionTest {
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
  private static final int KB = 1024;

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private ContentStore store;

  /** A file system of {@code total} bytes on which only the store writes. */
  private final class StoreOnlyDisk implements DiskUsage {
    private final long total;
    private final long usedByOthers;

    StoreOnlyDisk(long total, long usedByOthers) {
      this.total = total;
      this.usedByOthers = usedByOthers;
    }

    @Override
    public long totalBytes() {
      return total;
    }

    @Override
    public long usableBytes() {
      return total - usedByOthers - store.stats().completeBytes() - store.stats().partialBytes();
    }
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private Digest putAt(int seed, int size) throws IOException {
    byte[] b = Blobs.random(seed, size);
    Digest d = Digest.sha256Of(b);
    store.put(d, new ByteArrayInputStream(b), b.length, LAYER);
    clock.advance(Duration.ofMinutes(10));
    return d;
  }

  private void read(Digest d) throws IOException {
    store.openRange(d, 0, -1).close();
    clock.advance(Duration.ofMinutes(10));
  }

  @Test
  void removalListeners_hearOfEvictedAndDeletedBlobs_andOneThatThrowsChangesNothing()
      throws IOException {
    // Over the disk's high watermark (not maxBytes, which would start eviction after a commit).
    store =
        ContentStore.open(StoreConfig.defaults(dir), clock, new StoreOnlyDisk(150 * KB, 10 * KB));
    List<Digest> heard = new ArrayList<>();
    store.addRemovalListener(
        d -> {
          throw new IllegalStateException("a broken listener");
        });
    store.addRemovalListener(heard::add);
    Digest kept = putAt(1, 10 * KB);
    store.pin(kept, "user");
    Digest old = putAt(2, 60 * KB);
    Digest recent = putAt(3, 60 * KB);
    assertThat(store.evict().evicted()).containsExactly(old);

    assertThat(store.delete(recent)).isTrue();

    assertThat(heard).containsExactly(old, recent);
    assertThat(store.contains(kept)).isTrue();
  }

  @Test
  void withinLimitsNothingIsEvicted() throws IOException {
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withMaxBytes(100 * KB), clock, new StoreOnlyDisk(1 << 30, 0));
    putAt(1, 10 * KB);

    EvictionReport r = store.evict();

    assertThat(r.ran()).isFalse();
    assertThat(store.stats().completeBlobs()).isEqualTo(1);
  }

  @Test
  void overMaxBytesEvictsLeastRecentlyUsedDownToLowWatermark() throws IOException {
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withWatermarks(0.9, 0.5),
            clock,
            new StoreOnlyDisk(1 << 30, 0));
    Digest a = putAt(1, 30 * KB);
    Digest b = putAt(2, 30 * KB);
    Digest c = putAt(3, 30 * KB);
    Digest d = putAt(4, 30 * KB);
    read(a); // a is now the most recently used; b is the oldest
    store.close();
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withWatermarks(0.9, 0.5).withMaxBytes(100 * KB),
            clock,
            new StoreOnlyDisk(1 << 30, 0));

    EvictionReport r = store.evict();

    // 120 KiB held, target 100 KiB * 0.5 / 0.9 = 55.6 KiB: three blobs go, oldest first.
    assertThat(r.reason()).contains("maxBytes");
    assertThat(r.evicted()).containsExactly(b, c, d);
    assertThat(r.freedBytes()).isEqualTo(90 * KB);
    assertThat(store.contains(a)).isTrue();
    assertThat(store.stats().completeBytes()).isEqualTo(30 * KB);
  }

  @Test
  void diskAboveHighWatermarkEvictsUntilBelowLow() throws IOException {
    // 1 MiB disk, 700 KiB used by others; the store's blobs push it past 90%.
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withWatermarks(0.9, 0.8),
            clock,
            new StoreOnlyDisk(1024 * KB, 700 * KB));
    Digest a = putAt(1, 100 * KB);
    Digest b = putAt(2, 100 * KB);
    Digest c = putAt(3, 50 * KB);

    EvictionReport r = store.evict();

    // used 950 KiB > 921.6; target 819.2 KiB: free >= 130.8 KiB -> a (100) then b (100).
    assertThat(r.reason()).startsWith("disk 92.8% used (high watermark 90.0%)");
    assertThat(r.evicted()).containsExactly(a, b);
    assertThat(store.contains(c)).isTrue();
  }

  @Test
  void pinnedReferencedAndDownloadingBlobsAreNeverEvicted() throws IOException {
    store = ContentStore.open(StoreConfig.defaults(dir), clock, new StoreOnlyDisk(1 << 30, 0));
    Digest pinned = putAt(1, 10 * KB);
    Digest used = putAt(2, 10 * KB);
    Digest free = putAt(3, 10 * KB);
    store.pin(pinned, "user");
    store.addReference(used, "container:web-1");
    byte[] partialBytes = Blobs.random(4, 8 * KB);
    Digest downloading = Digest.sha256Of(partialBytes);
    PartialBlob p = store.partial(downloading, partialBytes.length, 4 * KB, List.of(), LAYER);
    p.writePiece(0, java.nio.ByteBuffer.wrap(partialBytes, 0, 4 * KB));
    store.close();
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withMaxBytes(1), clock, new StoreOnlyDisk(1 << 30, 0));
    PartialBlob resumed = store.partial(downloading, partialBytes.length, 4 * KB, List.of(), LAYER);

    EvictionReport r = store.evict();

    assertThat(r.evicted()).containsExactly(free);
    assertThat(r.shortBytes()).isPositive();
    assertThat(store.contains(pinned)).isTrue();
    assertThat(store.contains(used)).isTrue();
    assertThat(resumed.has(0)).isTrue();
  }

  @Test
  void suspendedDownloadResumesWithItsPieces_andIsEvictableUntilThen() throws IOException {
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withMaxBytes(1), clock, new StoreOnlyDisk(1 << 30, 0));
    byte[] bytes = Blobs.random(6, 8 * KB);
    Digest d = Digest.sha256Of(bytes);
    PartialBlob p = store.partial(d, bytes.length, 4 * KB, List.of(), LAYER);
    p.writePiece(0, java.nio.ByteBuffer.wrap(bytes, 0, 4 * KB));
    assertThat(store.evict().evicted()).as("in progress").isEmpty();

    p.suspend();
    p.suspend(); // idempotent
    assertThatThrownBy(() -> p.writePiece(1, java.nio.ByteBuffer.wrap(bytes, 4 * KB, 4 * KB)))
        .isInstanceOf(IOException.class);
    PartialBlob resumed = store.partial(d, bytes.length, 4 * KB, List.of(), LAYER);
    assertThat(resumed).isNotSameAs(p);
    assertThat(resumed.missing()).containsExactly(1);

    resumed.suspend();
    assertThat(store.evict().evicted()).containsExactly(d);
    assertThat(store.info(d)).isEmpty();
  }

  @Test
  void abandonedPartialBlobsAreEvictedLikeOthers() throws IOException {
    store = ContentStore.open(StoreConfig.defaults(dir), clock, new StoreOnlyDisk(1 << 30, 0));
    byte[] partialBytes = Blobs.random(5, 8 * KB);
    Digest stale = Digest.sha256Of(partialBytes);
    store
        .partial(stale, partialBytes.length, 4 * KB, List.of(), LAYER)
        .writePiece(1, java.nio.ByteBuffer.wrap(partialBytes, 4 * KB, 4 * KB));
    store.close();
    store =
        ContentStore.open(
            StoreConfig.defaults(dir).withMaxBytes(1), clock, new StoreOnlyDisk(1 << 30, 0));

    EvictionReport r = store.evict();

    assertThat(r.evicted()).containsExactly(stale);
    assertThat(r.freedBytes()).isEqualTo(4 * KB);
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 0, 0));
  }
}
