package dev.shoal.core.store;

import com.google.protobuf.ByteString;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import dev.shoal.proto.index.v1.BlobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** The downloads in progress: at most one {@link PartialBlob} per digest, shared by its users. */
final class PartialBlobs {
  private final ContentStore store;
  private final Map<Digest, PartialBlob> active = new ConcurrentHashMap<>();

  PartialBlobs(ContentStore store) {
    this.store = store;
  }

  PartialBlob open(
      Digest digest, long size, int pieceSize, List<byte[]> pieceHashes, String mediaType)
      throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    if (pieceSize <= 0) {
      throw new IllegalArgumentException("pieceSize: " + pieceSize + " (expected: > 0)");
    }
    int count = PieceBitmap.pieceCount(size, pieceSize);
    if (!pieceHashes.isEmpty() && pieceHashes.size() != count) {
      throw new IllegalArgumentException(
          "piece table of "
              + digest
              + ": "
              + pieceHashes.size()
              + " hashes (expected: "
              + count
              + " for "
              + size
              + " bytes in pieces of "
              + pieceSize
              + ")");
    }
    ReentrantLock lock = store.lockOf(digest);
    lock.lock();
    try {
      PartialBlob live = active.get(digest);
      if (live != null && live.matches(size, pieceSize)) {
        live.adoptPieceHashes(pieceHashes);
        return live;
      }
      Optional<BlobRecord> existing = store.record(digest);
      if (existing.filter(Records::isComplete).isPresent()) {
        throw new IllegalStateException("blob " + digest + " is already complete");
      }
      Path file = store.paths().partial(digest);
      BlobRecord r;
      if (existing.isPresent()
          && existing.get().getSize() == size
          && existing.get().getPieceSize() == pieceSize
          && Files.exists(file)) {
        r = existing.get();
        if (r.getPieceHashesCount() == 0 && !pieceHashes.isEmpty()) {
          r =
              r.toBuilder()
                  .addAllPieceHashes(pieceHashes.stream().map(ByteString::copyFrom).toList())
                  .build();
          store.store(digest, r, true);
        }
      } else {
        if (existing.isPresent()) {
          // A different layout than the one on disk: start over rather than mix the two.
          store.usage().partialRemoved(Records.bytesHeld(existing.get()));
          Files.deleteIfExists(file);
        }
        r =
            BlobRecord.newBuilder()
                .setFormat(BlobIndex.RECORD_FORMAT)
                .setSize(size)
                .setMediaType(mediaType)
                .setState(BlobState.BLOB_STATE_PARTIAL)
                .setCreatedMillis(store.clock().millis())
                .setPieceSize(pieceSize)
                .setPieceBitmap(PieceBitmap.empty(count).toByteString())
                .addAllPieceHashes(pieceHashes.stream().map(ByteString::copyFrom).toList())
                .build();
        PartialBlob.createFile(file, size);
        store.store(digest, r, true);
        store.usage().partialStarted();
      }
      PartialBlob blob = new PartialBlob(store, this, digest, r, file);
      if (live != null) {
        live.closeChannel();
      }
      active.put(digest, blob);
      return blob;
    } finally {
      lock.unlock();
    }
  }

  boolean active(Digest digest) {
    return active.containsKey(digest);
  }

  /** Forgets the in-memory download (after completion or abandonment). */
  void release(Digest digest, PartialBlob blob) {
    active.remove(digest, blob);
  }

  void abandon(Digest digest) {
    PartialBlob b = active.remove(digest);
    if (b != null) {
      b.closeChannel();
    }
  }

  void discardFile(Digest digest) throws IOException {
    abandon(digest);
    Files.deleteIfExists(store.paths().partial(digest));
  }

  void closeAll() {
    active.values().forEach(PartialBlob::closeChannel);
    active.clear();
  }
}
