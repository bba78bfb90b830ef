package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import dev.shoal.proto.index.v1.BlobReference;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Conversions between the index's protobuf records and the store's public view. */
final class Records {
  private Records() {}

  static BlobRecord complete(long size, String mediaType, long nowMillis) {
    return BlobRecord.newBuilder()
        .setFormat(BlobIndex.RECORD_FORMAT)
        .setSize(size)
        .setMediaType(mediaType)
        .setState(dev.shoal.proto.index.v1.BlobState.BLOB_STATE_COMPLETE)
        .setCreatedMillis(nowMillis)
        .build();
  }

  /** The same record made complete: keeps pins, references and quarantine; drops piece data. */
  static BlobRecord completed(BlobRecord r, long size, String mediaType) {
    return r.toBuilder()
        .setFormat(BlobIndex.RECORD_FORMAT)
        .setSize(size)
        .setMediaType(mediaType.isEmpty() ? r.getMediaType() : mediaType)
        .setState(dev.shoal.proto.index.v1.BlobState.BLOB_STATE_COMPLETE)
        .clearPieceBitmap()
        .clearPieceHashes()
        .clearPieceSize()
        .build();
  }

  static boolean isComplete(BlobRecord r) {
    return r.getState() == dev.shoal.proto.index.v1.BlobState.BLOB_STATE_COMPLETE;
  }

  static boolean isPartial(BlobRecord r) {
    return r.getState() == dev.shoal.proto.index.v1.BlobState.BLOB_STATE_PARTIAL;
  }

  static int pieceCount(BlobRecord r) {
    return r.getPieceSize() == 0 ? 0 : PieceBitmap.pieceCount(r.getSize(), r.getPieceSize());
  }

  /** Bytes of the blob that are on disk. */
  static long bytesHeld(BlobRecord r) {
    if (isComplete(r)) {
      return r.getSize();
    }
    int count = pieceCount(r);
    if (count == 0) {
      return 0;
    }
    PieceBitmap bits = PieceBitmap.of(r.getPieceBitmap(), count);
    long held = (long) bits.held() * r.getPieceSize();
    if (bits.has(count - 1)) {
      held -= (long) count * r.getPieceSize() - r.getSize();
    }
    return held;
  }

  static BlobInfo info(Digest digest, BlobRecord r, long lastAccessMillis) {
    Set<String> holders = new LinkedHashSet<>();
    for (BlobReference ref : r.getReferencesList()) {
      holders.add(ref.getHolder());
    }
    int count = pieceCount(r);
    int held =
        isComplete(r) ? count : (count == 0 ? 0 : PieceBitmap.of(r.getPieceBitmap(), count).held());
    return new BlobInfo(
        digest,
        r.getSize(),
        r.getMediaType(),
        isComplete(r) ? BlobState.COMPLETE : BlobState.PARTIAL,
        Instant.ofEpochMilli(r.getCreatedMillis()),
        Instant.ofEpochMilli(Math.max(lastAccessMillis, r.getCreatedMillis())),
        Set.copyOf(r.getPinsList()),
        Set.copyOf(holders),
        count,
        held,
        r.hasQuarantine() ? Optional.of(r.getQuarantine().getReason()) : Optional.empty());
  }
}
