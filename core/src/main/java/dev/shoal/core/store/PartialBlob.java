package dev.shoal.core.store;

import com.google.protobuf.ByteString;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import dev.shoal.proto.index.v1.BlobRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blob being downloaded piece by piece, possibly from several peers at once, into {@code
 * partial/<hex>}.
 *
 * <p>A piece is checked against the piece table (when one is known), written at its offset and
 * forced to disk before its bit is set in the index, so after a crash every bit the index claims
 * stands for bytes on disk. {@link #complete()} hashes the whole file against the blob's digest
 * before the blob becomes visible as complete.
 */
public final class PartialBlob {
  private final ContentStore store;
  private final PartialBlobs owner;
  private final Digest digest;
  private final long size;
  private final int pieceSize;
  private final String mediaType;
  private final Path file;
  private final FileChannel channel;
  private final PieceBitmap held;
  private volatile List<byte[]> pieceHashes;
  private final Object completion = new Object();
  private BlobInfo completed; // guarded by completion

  PartialBlob(ContentStore store, PartialBlobs owner, Digest digest, BlobRecord r, Path file)
      throws IOException {
    this.store = store;
    this.owner = owner;
    this.digest = digest;
    this.size = r.getSize();
    this.pieceSize = r.getPieceSize();
    this.mediaType = r.getMediaType();
    this.file = file;
    this.held = PieceBitmap.of(r.getPieceBitmap(), Records.pieceCount(r));
    this.pieceHashes = r.getPieceHashesList().stream().map(ByteString::toByteArray).toList();
    this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  static void createFile(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
    BlobPaths.syncDirectory(file.getParent());
  }

  public Digest digest() {
    return digest;
  }

  public long size() {
    return size;
  }

  public int pieceSize() {
    return pieceSize;
  }

  public int pieceCount() {
    return held.count();
  }

  public long offsetOf(int piece) {
    checkIndex(piece);
    return (long) piece * pieceSize;
  }

  public int lengthOf(int piece) {
    checkIndex(piece);
    return (int) Math.min(pieceSize, size - offsetOf(piece));
  }

  public synchronized boolean has(int piece) {
    checkIndex(piece);
    return held.has(piece);
  }

  /** Indexes of the pieces not yet held, ascending. */
  public synchronized List<Integer> missing() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < held.count(); i++) {
      if (!held.has(i)) {
        out.add(i);
      }
    }
    return out;
  }

  public synchronized int heldCount() {
    return held.held();
  }

  /** Whether a piece table is known, so pieces are verified on arrival. */
  public boolean verifiesPieces() {
    return !pieceHashes.isEmpty();
  }

  /**
   * Stores piece {@code piece}. A piece already held is accepted without writing again.
   *
   * @throws PieceMismatchException when the bytes do not match the piece table; nothing is kept
   */
  public void writePiece(int piece, ByteBuffer data) throws IOException {
    int length = checkLength(piece, data);
    List<byte[]> table = pieceHashes;
    if (!table.isEmpty()) {
      Hashing h = new Hashing(DigestAlgorithm.SHA256);
      h.update(data.duplicate());
      Digest actual = h.digest();
      Digest expected = Digest.of(DigestAlgorithm.SHA256, table.get(piece));
      if (!Arrays.equals(actual.bytes(), table.get(piece))) {
        throw new PieceMismatchException(digest, piece, expected, actual);
      }
    }
    if (has(piece)) {
      return;
    }
    writeAt(piece, data);
    channel.force(false);
    markHeld(piece, length);
  }

  /**
   * Writes piece {@code piece} without forcing it to disk or claiming it in the index, for a
   * download that streams in order: many such writes are then claimed together by {@link #sync},
   * one disk flush for all of them. Until then the piece does not count as held.
   */
  public void writeUnsynced(int piece, ByteBuffer data) throws IOException {
    checkLength(piece, data);
    writeAt(piece, data);
  }

  /** The length of piece {@code piece}, which {@code data} must have left to read. */
  private int checkLength(int piece, ByteBuffer data) throws IOException {
    int length = lengthOf(piece);
    if (data.remaining() != length) {
      throw new IOException(
          "piece "
              + piece
              + " of "
              + digest
              + ": "
              + data.remaining()
              + " bytes (expected: "
              + length
              + ")");
    }
    return length;
  }

  /** Writes {@code data} (not consuming it) at the piece's offset in the file. */
  private void writeAt(int piece, ByteBuffer data) throws IOException {
    long pos = offsetOf(piece);
    ByteBuffer src = data.duplicate();
    while (src.hasRemaining()) {
      pos += channel.write(src, pos);
    }
  }

  /**
   * Forces the pieces written by {@link #writeUnsynced} to disk, then claims them in the index:
   * after a crash every claimed piece is on disk.
   */
  public void sync(List<Integer> pieces) throws IOException {
    if (pieces.isEmpty()) {
      return;
    }
    channel.force(false);
    for (int piece : pieces) {
      markHeld(piece, lengthOf(piece));
    }
  }

  private void markHeld(int piece, int length) throws IOException {
    ReentrantLock lock = store.lockOf(digest);
    lock.lock();
    try {
      synchronized (this) {
        if (held.has(piece)) {
          return;
        }
        BlobRecord r = store.record(digest).orElseThrow(() -> new BlobNotFoundException(digest));
        PieceBitmap bits = PieceBitmap.of(r.getPieceBitmap(), held.count());
        bits.set(piece);
        // Relaxed: losing this bit in a power cut only costs a re-download of bytes already forced.
        store.store(digest, r.toBuilder().setPieceBitmap(bits.toByteString()).build(), false);
        held.set(piece);
      }
      store.usage().pieceAdded(length);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads held bytes at {@code position} into {@code dst}; the caller checks {@link #has} first.
   */
  public int read(long position, ByteBuffer dst) throws IOException {
    return channel.read(dst, position);
  }

  /**
   * Verifies the whole blob against its digest and publishes it as complete.
   *
   * @throws DigestMismatchException when the assembled bytes are wrong; the partial blob is then
   *     discarded, so nothing of it is ever served
   * @throws IllegalStateException when pieces are still missing
   */
  public BlobInfo complete() throws IOException {
    return complete(null);
  }

  /**
   * Publishes the blob as complete without reading it again: for a writer that hashed every byte it
   * wrote, in order from the first piece to the last, and was the only writer. {@code streamed} is
   * that hash; it must equal the blob's digest.
   *
   * @throws DigestMismatchException when {@code streamed} is not the blob's digest; the partial
   *     blob is then discarded
   */
  public BlobInfo completeStreamed(Digest streamed) throws IOException {
    return complete(java.util.Objects.requireNonNull(streamed, "streamed"));
  }

  /**
   * A new read-only channel on the blob's file, for sending held pieces while others arrive. It
   * stays valid after completion moves the file; the caller closes it.
   */
  public FileChannel openReader() throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  /**
   * Stops this download without discarding it, for a downloader that gave up (its source failed):
   * the pieces held stay on disk and in the index for a later {@link ContentStore#partial} to
   * resume, and, no longer in progress, eviction may remove them. Writes to this object fail after
   * it; idempotent.
   */
  public void suspend() {
    owner.release(digest, this);
    closeChannel();
  }

  private BlobInfo complete(Digest streamed) throws IOException {
    // One completion at a time: a second caller (another peer's transfer finishing the last piece
    // at the same moment) waits and then gets the same answer instead of hashing a closed file.
    synchronized (completion) {
      if (completed != null) {
        return completed;
      }
      completed = verifyAndPublish(streamed);
      return completed;
    }
  }

  private BlobInfo verifyAndPublish(Digest streamed) throws IOException {
    synchronized (this) {
      if (!held.full()) {
        throw new IllegalStateException(
            "blob "
                + digest
                + ": "
                + (held.count() - held.held())
                + " of "
                + held.count()
                + " pieces are still missing");
      }
    }
    Digest actual =
        streamed != null ? streamed : Hashing.channel(channel, size, digest.algorithm());
    if (!actual.equals(digest)) {
      store.remove(digest, false);
      throw new DigestMismatchException(digest, actual, size);
    }
    channel.force(true);
    closeChannel();
    owner.release(digest, this);
    return store.publish(digest, file, size, mediaType);
  }

  /** Supplies the piece table to a download that started without one. */
  void adoptPieceHashes(List<byte[]> hashes) {
    if (pieceHashes.isEmpty() && !hashes.isEmpty()) {
      pieceHashes = List.copyOf(hashes);
    }
  }

  boolean matches(long size, int pieceSize) {
    return this.size == size && this.pieceSize == pieceSize;
  }

  void closeChannel() {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a file we only read and wrote at offsets: its data was already forced.
    }
  }

  private void checkIndex(int piece) {
    if (piece < 0 || piece >= held.count()) {
      throw new IndexOutOfBoundsException(
          "piece " + piece + " of " + digest + " (expected: 0.." + (held.count() - 1) + ")");
    }
  }
}
