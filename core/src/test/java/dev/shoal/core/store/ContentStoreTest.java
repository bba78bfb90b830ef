package dev.shoal.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private ContentStore store;

  @BeforeEach
  void open() throws IOException {
    store = ContentStore.open(StoreConfig.defaults(dir), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private BlobInfo put(byte[] bytes) throws IOException {
    return store.put(Digest.sha256Of(bytes), new ByteArrayInputStream(bytes), bytes.length, LAYER);
  }

  private byte[] readAll(Digest d) throws IOException {
    try (InputStream in = store.openStream(d)) {
      return in.readAllBytes();
    }
  }

  @Test
  void put_storesBlobUnderItsDigestPathAndReadsBack() throws IOException {
    byte[] bytes = Blobs.random(1, 100_000);
    Digest d = Digest.sha256Of(bytes);

    BlobInfo info = put(bytes);

    assertThat(info.complete()).isTrue();
    assertThat(info.size()).isEqualTo(100_000);
    assertThat(info.mediaType()).isEqualTo(LAYER);
    assertThat(dir.resolve("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex()))
        .hasBinaryContent(bytes);
    assertThat(readAll(d)).isEqualTo(bytes);
    assertThat(store.contains(d)).isTrue();
    assertThat(store.stats()).isEqualTo(new StoreStats(1, 0, 100_000, 0));
  }

  @Test
  void put_wrongBytesLeaveNothingBehind() throws IOException {
    byte[] bytes = Blobs.random(2, 5000);
    Digest claimed = Digest.sha256Of(Blobs.random(3, 5000));

    assertThatThrownBy(
            () -> store.put(claimed, new ByteArrayInputStream(bytes), bytes.length, LAYER))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(claimed.toString())
        .hasMessageContaining(Digest.sha256Of(bytes).toString());

    assertThat(store.contains(claimed)).isFalse();
    assertThat(store.info(claimed)).isEmpty();
    assertThat(filesUnder(dir.resolve("blobs"))).isEmpty();
    assertThat(filesUnder(dir.resolve("tmp"))).isEmpty();
  }

  @Test
  void put_sizeDifferentFromAnnouncedIsRefused() throws IOException {
    byte[] bytes = Blobs.random(4, 1000);
    Digest d = Digest.sha256Of(bytes);

    assertThatThrownBy(() -> store.put(d, new ByteArrayInputStream(bytes), 999, LAYER))
        .hasMessageContaining("more than the announced 999 bytes");
    assertThatThrownBy(() -> store.put(d, new ByteArrayInputStream(bytes), 1001, LAYER))
        .hasMessageContaining("expected: 1001");
    assertThat(store.contains(d)).isFalse();
    assertThat(filesUnder(dir.resolve("tmp"))).isEmpty();
  }

  @Test
  void writer_closedWithoutCommitDeletesItsTempFile() throws IOException {
    byte[] bytes = Blobs.random(5, 1000);
    try (BlobWriter w = store.writer(Digest.sha256Of(bytes), -1, LAYER)) {
      w.write(bytes, 0, 500);
      assertThat(filesUnder(dir.resolve("tmp"))).hasSize(1);
    }
    assertThat(filesUnder(dir.resolve("tmp"))).isEmpty();
    assertThat(store.contains(Digest.sha256Of(bytes))).isFalse();
  }

  @Test
  void put_alreadyPresentBlobCountsAsSuccess() throws IOException {
    byte[] bytes = Blobs.random(6, 3000);
    put(bytes);
    clock.advance(java.time.Duration.ofHours(1));

    BlobInfo again = put(bytes);

    assertThat(again.complete()).isTrue();
    assertThat(store.stats().completeBlobs()).isEqualTo(1);
    assertThat(store.stats().completeBytes()).isEqualTo(3000);
  }

  @Test
  void put_concurrentWritersOfOneDigestAllSucceedWithOneCopy() throws Exception {
    byte[] bytes = Blobs.random(7, 2_000_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<BlobInfo>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<BlobInfo> task = () -> put(bytes);
        results.add(pool.submit(task));
      }
      for (Future<BlobInfo> f : results) {
        assertThat(f.get().complete()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(readAll(Digest.sha256Of(bytes))).isEqualTo(bytes);
    assertThat(store.stats()).isEqualTo(new StoreStats(1, 0, 2_000_000, 0));
    assertThat(filesUnder(dir.resolve("tmp"))).isEmpty();
  }

  @Test
  void openRange_givesChannelPositionedForZeroCopy() throws IOException {
    byte[] bytes = Blobs.random(8, 10_000);
    Digest d = put(bytes).digest();

    try (BlobRange r = store.openRange(d, 1000, 500)) {
      ByteBuffer buf = ByteBuffer.allocate(500);
      r.channel().read(buf, r.position());
      assertThat(r.count()).isEqualTo(500);
      assertThat(buf.array()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1000, 1500));
      assertThat(r.path()).isRegularFile();
    }
    assertThatThrownBy(() -> store.openRange(d, 9_000, 2_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: within 0..10000");
  }

  @Test
  void openRange_unknownBlobIsNotFound() {
    Digest d = Digest.sha256Of(new byte[] {1});
    assertThatThrownBy(() -> store.openRange(d, 0, -1))
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(d.toString());
  }

  @Test
  void openRange_blobFileRemovedBehindTheStoresBackIsForgotten() throws IOException {
    Digest d = put(Blobs.random(12, 700)).digest();
    Files.delete(dir.resolve("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex()));

    assertThatThrownBy(() -> store.openRange(d, 0, -1)).isInstanceOf(BlobNotFoundException.class);
    assertThat(store.info(d)).isEmpty();
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 0, 0));
  }

  @Test
  void openRange_quarantinedBlobIsRefusedWithReason() throws IOException {
    Digest d = put(Blobs.random(9, 100)).digest();
    store.quarantine(d, "CVE-2024-0001");

    assertThatThrownBy(() -> store.openRange(d, 0, -1))
        .isInstanceOf(BlobQuarantinedException.class)
        .hasMessageContaining("CVE-2024-0001");
    assertThat(store.info(d).orElseThrow().quarantine()).contains("CVE-2024-0001");
  }

  @Test
  void delete_refusesPinnedOrReferencedBlobs() throws IOException {
    Digest d = put(Blobs.random(10, 100)).digest();
    store.pin(d, "preheat");
    store.addReference(d, "container:abc");

    assertThatThrownBy(() -> store.delete(d)).hasMessageContaining("preheat");
    store.unpin(d, "preheat");
    assertThatThrownBy(() -> store.delete(d)).hasMessageContaining("container:abc");
    store.removeReference(d, "container:abc");

    assertThat(store.delete(d)).isTrue();
    assertThat(store.contains(d)).isFalse();
    assertThat(filesUnder(dir.resolve("blobs"))).isEmpty();
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 0, 0));
  }

  @Test
  void pinsAndReferencesSurviveReopen() throws IOException {
    Digest d = put(Blobs.random(11, 100)).digest();
    store.pin(d, "user");
    store.addReference(d, "container:c1");
    store.close();

    store = ContentStore.open(StoreConfig.defaults(dir), clock);

    BlobInfo info = store.info(d).orElseThrow();
    assertThat(info.pins()).containsExactly("user");
    assertThat(info.holders()).containsExactly("container:c1");
    assertThat(info.evictable()).isFalse();
  }

  @Test
  void open_refusesIndexWithAnotherSchemaVersion() throws Exception {
    store.close();
    SchemaOverride.write(dir.resolve("index"), 99);

    assertThatThrownBy(() -> ContentStore.open(StoreConfig.defaults(dir), clock))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("schema version 99 (expected: 1)");
    // The refused open released the RocksDB lock: the right version opens again in place.
    SchemaOverride.write(dir.resolve("index"), 1);
    store = ContentStore.open(StoreConfig.defaults(dir), clock);
  }

  static List<Path> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
