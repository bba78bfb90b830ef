package dev.shoal.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leftovers a kill -9 can leave at each step of a write, put there by hand. */
class ReconcilerTest {
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);

  private ContentStore open() throws IOException {
    return ContentStore.open(StoreConfig.defaults(dir), clock);
  }

  private Path blobPath(Digest d) {
    return dir.resolve("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex());
  }

  @Test
  void tempFilesOfUnfinishedWritesAreRemoved() throws IOException {
    open().close();
    Files.write(dir.resolve("tmp/abc-123.tmp"), Blobs.random(1, 100));

    try (ContentStore store = open()) {
      assertThat(ContentStoreTest.filesUnder(dir.resolve("tmp"))).isEmpty();
      assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 0, 0));
    }
  }

  @Test
  void blobFileRenamedButNotIndexedIsAdopted() throws IOException {
    open().close();
    byte[] bytes = Blobs.random(2, 5000);
    Digest d = Digest.sha256Of(bytes);
    Files.createDirectories(blobPath(d).getParent());
    Files.write(blobPath(d), bytes);

    try (ContentStore store = open()) {
      assertThat(store.contains(d)).isTrue();
      assertThat(store.info(d).orElseThrow().size()).isEqualTo(5000);
      assertThat(store.stats()).isEqualTo(new StoreStats(1, 0, 5000, 0));
    }
  }

  @Test
  void blobFileWithWrongBytesIsRemoved() throws IOException {
    open().close();
    Digest d = Digest.sha256Of(Blobs.random(3, 5000));
    Files.createDirectories(blobPath(d).getParent());
    Files.write(blobPath(d), Blobs.random(4, 5000));

    try (ContentStore store = open()) {
      assertThat(store.contains(d)).isFalse();
      assertThat(blobPath(d)).doesNotExist();
    }
  }

  @Test
  void recordWhoseFileVanishedIsDropped() throws IOException {
    byte[] bytes = Blobs.random(5, 5000);
    Digest d = Digest.sha256Of(bytes);
    try (ContentStore store = open()) {
      store.put(d, new ByteArrayInputStream(bytes), bytes.length, LAYER);
    }
    Files.delete(blobPath(d));

    try (ContentStore store = open()) {
      assertThat(store.info(d)).isEmpty();
      assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 0, 0));
    }
  }

  @Test
  void truncatedBlobFileIsRehashedAndRemoved() throws IOException {
    byte[] bytes = Blobs.random(6, 5000);
    Digest d = Digest.sha256Of(bytes);
    try (ContentStore store = open()) {
      store.put(d, new ByteArrayInputStream(bytes), bytes.length, LAYER);
    }
    Files.write(blobPath(d), java.util.Arrays.copyOf(bytes, 4000));

    try (ContentStore store = open()) {
      assertThat(store.contains(d)).isFalse();
      assertThat(blobPath(d)).doesNotExist();
    }
  }

  @Test
  void verifyOnOpenCatchesSameSizeCorruption() throws IOException {
    byte[] bytes = Blobs.random(7, 5000);
    Digest d = Digest.sha256Of(bytes);
    try (ContentStore store = open()) {
      store.put(d, new ByteArrayInputStream(bytes), bytes.length, LAYER);
    }
    byte[] flipped = bytes.clone();
    flipped[100] ^= 1;
    Files.write(blobPath(d), flipped);

    try (ContentStore store =
        ContentStore.open(StoreConfig.defaults(dir).withVerifyOnOpen(true), clock)) {
      assertThat(store.contains(d)).isFalse();
    }
  }

  @Test
  void partialFileWithoutRecordIsRemovedAndStrayFilesToo() throws IOException {
    open().close();
    Digest d = Digest.sha256Of(Blobs.random(8, 10));
    Files.write(dir.resolve("partial/" + d.hex()), new byte[10]);
    Files.write(dir.resolve("partial/not-a-digest"), new byte[10]);
    Files.createDirectories(dir.resolve("blobs/sha256/zz"));
    Files.write(dir.resolve("blobs/sha256/zz/garbage"), new byte[10]);

    try (ContentStore store = open()) {
      assertThat(ContentStoreTest.filesUnder(dir.resolve("partial"))).isEmpty();
      assertThat(ContentStoreTest.filesUnder(dir.resolve("blobs"))).isEmpty();
      assertThat(store.list()).isEmpty();
    }
  }

  @Test
  void partialRecordWhoseFileVanishedIsDropped() throws IOException {
    Digest d = Digest.sha256Of(Blobs.random(9, 10_000));
    try (ContentStore store = open()) {
      store.partial(d, 10_000, 4096, java.util.List.of(), LAYER);
    }
    Files.delete(dir.resolve("partial/" + d.hex()));

    try (ContentStore store = open()) {
      assertThat(store.info(d)).isEmpty();
      assertThat(store.stats().partialBlobs()).isZero();
    }
  }

  @Test
  void partialCompletedOnDiskButNotInIndexIsAdoptedWithItsMediaType() throws IOException {
    byte[] bytes = Blobs.random(10, 10_000);
    Digest d = Digest.sha256Of(bytes);
    try (ContentStore store = open()) {
      assertThat(store.partial(d, bytes.length, 4096, java.util.List.of(), LAYER).heldCount())
          .isZero();
      store.pin(d, "preheat");
    }
    // As if complete() renamed the file and died before the index commit.
    Files.createDirectories(blobPath(d).getParent());
    Files.write(blobPath(d), bytes);

    try (ContentStore store = open()) {
      BlobInfo info = store.info(d).orElseThrow();
      assertThat(info.complete()).isTrue();
      assertThat(info.mediaType()).isEqualTo(LAYER);
      assertThat(info.pins()).containsExactly("preheat");
      assertThat(dir.resolve("partial/" + d.hex())).doesNotExist();
    }
  }
}
