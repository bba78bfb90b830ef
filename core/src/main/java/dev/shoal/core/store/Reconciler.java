package dev.shoal.core.store;

import com.google.protobuf.ByteString;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.Hashing;
import dev.shoal.proto.index.v1.BlobRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes files and index agree at startup, whatever instant the last process died at.
 *
 * <ul>
 *   <li>{@code tmp/} holds only unfinished writes: emptied.
 *   <li>A blob file without a complete record is re-hashed: adopted when it matches its name,
 *       removed otherwise (a crash between rename and index commit leaves such a file).
 *   <li>A complete record without its file, or with a file of the wrong size, is dropped.
 *   <li>A partial record keeps the pieces its bitmap claims; with a piece table, each is
 *       re-checked.
 *   <li>A partial file without a record is removed.
 * </ul>
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final String UNKNOWN_MEDIA_TYPE = "application/octet-stream";

  private final BlobPaths paths;
  private final BlobIndex index;
  private final StoreConfig config;
  private final Clock clock;

  private int adopted;
  private int removedFiles;
  private int droppedRecords;
  private int droppedPieces;
  private long completeBlobs;
  private long completeBytes;
  private long partialBlobs;
  private long partialBytes;

  Reconciler(BlobPaths paths, BlobIndex index, StoreConfig config, Clock clock) {
    this.paths = paths;
    this.index = index;
    this.config = config;
    this.clock = clock;
  }

  ReconcileReport run() throws IOException {
    emptyTmp();
    Map<Digest, BlobRecord> records = new LinkedHashMap<>();
    index.forEach(records::put);
    Set<Digest> completeOnDisk = reconcileBlobFiles(records);
    for (Map.Entry<Digest, BlobRecord> e : records.entrySet()) {
      Digest d = e.getKey();
      BlobRecord r = e.getValue();
      if (Records.isComplete(r)) {
        if (!completeOnDisk.contains(d)) {
          log.warn("dropping record of missing blob digest={}", d);
          index.delete(d);
          droppedRecords++;
        }
      } else if (!completeOnDisk.contains(d)) {
        reconcilePartial(d, r);
      }
    }
    removeOrphanPartialFiles(records.keySet(), completeOnDisk);
    index.pruneAccess();
    return new ReconcileReport(
        adopted,
        removedFiles,
        droppedRecords,
        droppedPieces,
        completeBlobs,
        completeBytes,
        partialBlobs,
        partialBytes);
  }

  private void emptyTmp() throws IOException {
    try (Stream<Path> s = Files.list(paths.tmpRoot())) {
      for (Path p : s.toList()) {
        Files.deleteIfExists(p);
        removedFiles++;
      }
    }
  }

  private Set<Digest> reconcileBlobFiles(Map<Digest, BlobRecord> records) throws IOException {
    Set<Digest> ok = new HashSet<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(paths.blobsRoot(), 3)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Optional<Digest> named = paths.digestOfBlobFile(f);
      if (named.isEmpty()) {
        log.warn("removing stray file in blob store path={}", f);
        Files.delete(f);
        removedFiles++;
        continue;
      }
      Digest d = named.get();
      BlobRecord r = records.get(d);
      long size = Files.size(f);
      boolean indexed = r != null && Records.isComplete(r) && r.getSize() == size;
      if (indexed && !config.verifyOnOpen()) {
        count(ok, d, size);
        continue;
      }
      if (Hashing.file(f, d.algorithm()).equals(d)) {
        if (!indexed) {
          long now = clock.millis();
          BlobRecord next =
              r == null
                  ? Records.complete(size, UNKNOWN_MEDIA_TYPE, now)
                  : Records.completed(r, size, "");
          index.put(d, next, now);
          records.put(d, next);
          Files.deleteIfExists(paths.partial(d));
          adopted++;
        }
        count(ok, d, size);
      } else {
        log.warn("removing blob file whose bytes do not match its name digest={}", d);
        Files.delete(f);
        removedFiles++;
      }
    }
    return ok;
  }

  private void count(Set<Digest> ok, Digest d, long size) {
    ok.add(d);
    completeBlobs++;
    completeBytes += size;
  }

  private void reconcilePartial(Digest d, BlobRecord r) throws IOException {
    Path f = paths.partial(d);
    if (!Files.isRegularFile(f) || Files.size(f) != r.getSize() || r.getPieceSize() <= 0) {
      index.delete(d);
      Files.deleteIfExists(f);
      droppedRecords++;
      return;
    }
    int count = Records.pieceCount(r);
    PieceBitmap bits = PieceBitmap.of(r.getPieceBitmap(), count);
    if (r.getPieceHashesCount() == count && count > 0) {
      int before = bits.held();
      recheckPieces(f, r, bits);
      if (bits.held() != before) {
        droppedPieces += before - bits.held();
        index.put(d, r.toBuilder().setPieceBitmap(bits.toByteString()).build());
        r = r.toBuilder().setPieceBitmap(bits.toByteString()).build();
      }
    }
    partialBlobs++;
    partialBytes += Records.bytesHeld(r);
  }

  private static void recheckPieces(Path f, BlobRecord r, PieceBitmap bits) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(r.getPieceSize());
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      for (int i = 0; i < bits.count(); i++) {
        if (!bits.has(i)) {
          continue;
        }
        long pos = (long) i * r.getPieceSize();
        int len = (int) Math.min(r.getPieceSize(), r.getSize() - pos);
        buf.clear().limit(len);
        while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) >= 0) {
          // keep reading until the piece is in
        }
        buf.flip();
        Hashing h = new Hashing(DigestAlgorithm.SHA256);
        h.update(buf);
        ByteString expected = r.getPieceHashes(i);
        if (!ByteString.copyFrom(h.digest().bytes()).equals(expected)) {
          bits.clear(i);
        }
      }
    }
  }

  private void removeOrphanPartialFiles(Set<Digest> recorded, Set<Digest> complete)
      throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(paths.partialRoot())) {
      files = new ArrayList<>(s.toList());
    }
    for (Path f : files) {
      Optional<Digest> d = BlobPaths.digestOfPartialFile(f);
      if (d.isEmpty() || !recorded.contains(d.get()) || complete.contains(d.get())) {
        Files.deleteIfExists(f);
        removedFiles++;
      }
    }
  }
}
