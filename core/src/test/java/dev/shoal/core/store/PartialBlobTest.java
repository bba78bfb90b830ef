package dev.shoal.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialBlobTest {
  private static final int PIECE = 4096;
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private ContentStore store;
  private final byte[] bytes = Blobs.random(42, 10 * PIECE + 123);
  private final Digest digest = Digest.sha256Of(bytes);

  @BeforeEach
  void open() throws IOException {
    store = ContentStore.open(StoreConfig.defaults(dir), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<byte[]> pieceTable(byte[] b) {
    List<byte[]> out = new ArrayList<>();
    for (int off = 0; off < b.length; off += PIECE) {
      out.add(Digest.sha256Of(Arrays.copyOfRange(b, off, Math.min(b.length, off + PIECE))).bytes());
    }
    return out;
  }

  private ByteBuffer piece(byte[] b, int i) {
    int off = i * PIECE;
    return ByteBuffer.wrap(b, off, Math.min(PIECE, b.length - off)).slice();
  }

  @Test
  void piecesInAnyOrderCompleteIntoTheBlob() throws IOException {
    PartialBlob p = store.partial(digest, bytes.length, PIECE, pieceTable(bytes), LAYER);
    assertThat(p.pieceCount()).isEqualTo(11);
    assertThat(p.lengthOf(10)).isEqualTo(123);
    for (int i : new int[] {10, 3, 0, 7, 1, 2, 9, 4, 8, 6, 5}) {
      p.writePiece(i, piece(bytes, i));
    }
    assertThat(p.missing()).isEmpty();

    BlobInfo info = p.complete();

    assertThat(info.complete()).isTrue();
    try (InputStream in = store.openStream(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(store.stats()).isEqualTo(new StoreStats(1, 0, bytes.length, 0));
    assertThat(ContentStoreTest.filesUnder(dir.resolve("partial"))).isEmpty();
  }

  @Test
  void concurrentCompletionsAllSucceedOnce() throws Exception {
    PartialBlob p = store.partial(digest, bytes.length, PIECE, pieceTable(bytes), LAYER);
    for (int i = 0; i < p.pieceCount(); i++) {
      p.writePiece(i, piece(bytes, i));
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<BlobInfo>> done = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        done.add(pool.submit(p::complete));
      }
      for (var f : done) {
        assertThat(f.get().complete()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.stats()).isEqualTo(new StoreStats(1, 0, bytes.length, 0));
  }

  @Test
  void pieceNotMatchingTableIsRefusedAndNotMarked() throws IOException {
    PartialBlob p = store.partial(digest, bytes.length, PIECE, pieceTable(bytes), LAYER);
    byte[] bad = Arrays.copyOf(bytes, bytes.length);
    bad[PIECE * 2 + 5] ^= 1;

    assertThatThrownBy(() -> p.writePiece(2, piece(bad, 2)))
        .isInstanceOf(PieceMismatchException.class)
        .hasMessageContaining("piece 2 of blob " + digest);
    assertThat(p.has(2)).isFalse();
    assertThat(store.info(digest).orElseThrow().piecesHeld()).isZero();
  }

  @Test
  void incompleteBlobCannotBeCompletedOrRead() throws IOException {
    PartialBlob p = store.partial(digest, bytes.length, PIECE, List.of(), LAYER);
    p.writePiece(0, piece(bytes, 0));

    assertThatThrownBy(p::complete).hasMessageContaining("10 of 11 pieces are still missing");
    assertThat(store.contains(digest)).isFalse();
    assertThatThrownBy(() -> store.openRange(digest, 0, -1))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void wrongWholeBlobIsDiscardedWithoutPieceTable() throws IOException {
    byte[] other = Blobs.random(43, bytes.length);
    PartialBlob p = store.partial(digest, bytes.length, PIECE, List.of(), LAYER);
    for (int i = 0; i < p.pieceCount(); i++) {
      p.writePiece(i, piece(other, i));
    }

    assertThatThrownBy(p::complete).isInstanceOf(DigestMismatchException.class);
    assertThat(store.info(digest)).isEmpty();
    assertThat(ContentStoreTest.filesUnder(dir.resolve("partial"))).isEmpty();
    assertThat(ContentStoreTest.filesUnder(dir.resolve("blobs"))).isEmpty();
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 0, 0));
  }

  @Test
  void piecesSurviveReopenAndTheDownloadResumes() throws IOException {
    PartialBlob p = store.partial(digest, bytes.length, PIECE, pieceTable(bytes), LAYER);
    p.writePiece(0, piece(bytes, 0));
    p.writePiece(5, piece(bytes, 5));
    p.writePiece(10, piece(bytes, 10));
    store.close();

    store = ContentStore.open(StoreConfig.defaults(dir), clock);
    BlobInfo info = store.info(digest).orElseThrow();
    assertThat(info.state()).isEqualTo(BlobState.PARTIAL);
    assertThat(info.piecesHeld()).isEqualTo(3);
    assertThat(store.stats().partialBytes()).isEqualTo(2L * PIECE + 123);

    PartialBlob resumed = store.partial(digest, bytes.length, PIECE, List.of(), LAYER);
    assertThat(resumed.verifiesPieces()).isTrue();
    assertThat(resumed.missing()).containsExactly(1, 2, 3, 4, 6, 7, 8, 9);
    for (int i : resumed.missing()) {
      resumed.writePiece(i, piece(bytes, i));
    }
    assertThat(resumed.complete().complete()).isTrue();
  }

  @Test
  void reopenDropsHeldPiecesWhoseBytesWereDamagedOnDisk() throws Exception {
    PartialBlob p = store.partial(digest, bytes.length, PIECE, pieceTable(bytes), LAYER);
    p.writePiece(1, piece(bytes, 1));
    p.writePiece(2, piece(bytes, 2));
    store.close();
    try (var f =
        new java.io.RandomAccessFile(dir.resolve("partial/" + digest.hex()).toFile(), "rw")) {
      f.seek(PIECE + 17);
      f.write(0xff ^ bytes[PIECE + 17]);
    }

    store = ContentStore.open(StoreConfig.defaults(dir), clock);

    PartialBlob resumed = store.partial(digest, bytes.length, PIECE, List.of(), LAYER);
    assertThat(resumed.has(1)).isFalse();
    assertThat(resumed.has(2)).isTrue();
  }
}
