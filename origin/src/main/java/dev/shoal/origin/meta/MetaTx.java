package dev.shoal.origin.meta;

import com.google.protobuf.MessageLite;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.IndexException;
import dev.shoal.origin.meta.MetaDb.Cf;
import dev.shoal.proto.index.v1.OriginBlobRecord;
import dev.shoal.proto.index.v1.OriginEventCursor;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One mutation of the metadata: reads from a snapshot taken under the writer lock, collects every
 * change in one {@link WriteBatch}, and applies it with a single durable write on {@link #commit}.
 *
 * <p>Blob records read for update are kept here, so that several changes to one blob in the same
 * mutation (a link and a reference) build on each other.
 */
final class MetaTx implements AutoCloseable {
  final MetaDb.View view;
  final long now;
  private final MetaDb db;
  private final String operation;
  private final WriteBatch batch = new WriteBatch();
  private final Map<Digest, OriginBlobRecord.Builder> blobs = new LinkedHashMap<>();
  private final Set<Digest> dirtyBlobs = new LinkedHashSet<>();
  private final long firstCursor;
  private long cursor;

  MetaTx(MetaDb db, String operation, long now, long lastCursor) {
    this.db = db;
    this.operation = operation;
    this.now = now;
    this.view = db.view();
    this.firstCursor = lastCursor;
    this.cursor = lastCursor;
  }

  void put(Cf cf, byte[] key, MessageLite value) throws IndexException {
    put(db.cf(cf), key, value);
  }

  private void put(ColumnFamilyHandle cf, byte[] key, MessageLite value) throws IndexException {
    try {
      batch.put(cf, key, value.toByteArray());
    } catch (RocksDBException e) {
      throw new IndexException(operation, e);
    }
  }

  void delete(Cf cf, byte[] key) throws IndexException {
    try {
      batch.delete(db.cf(cf), key);
    } catch (RocksDBException e) {
      throw new IndexException(operation, e);
    }
  }

  /** The blob's record for update, or null when the origin has none. */
  OriginBlobRecord.Builder blob(Digest digest) throws IndexException {
    OriginBlobRecord.Builder b = blobs.get(digest);
    if (b == null) {
      byte[] raw = view.get(Cf.BLOBS, MetaKeys.key(digest));
      if (raw == null) {
        return null;
      }
      b =
          MetaRecords.parse(
              OriginBlobRecord.parser(), OriginBlobRecord::getFormat, "blob " + digest, raw)
              .toBuilder();
      blobs.put(digest, b);
    }
    return b;
  }

  /** Writes {@code record} as the blob's record at commit. */
  void putBlob(Digest digest, OriginBlobRecord.Builder record) {
    blobs.put(digest, record);
    dirtyBlobs.add(digest);
  }

  /** Appends an event to the log and returns its cursor. */
  long event(RegistryEvent.Type type, String repository, Digest digest, String tag)
      throws IndexException {
    cursor++;
    put(
        Cf.EVENTS,
        MetaKeys.cursor(cursor),
        MetaRecords.event(cursor, type, repository, digest, tag, now));
    return cursor;
  }

  /** Writes the batch, if anything changed, and returns the last event cursor. */
  long commit() throws IndexException {
    for (Digest d : dirtyBlobs) {
      put(Cf.BLOBS, MetaKeys.key(d), blobs.get(d).build());
    }
    if (cursor != firstCursor) {
      put(
          db.defaults(),
          MetaDb.EVENT_CURSOR_KEY,
          OriginEventCursor.newBuilder()
              .setFormat(MetaRecords.RECORD_FORMAT)
              .setLastCursor(cursor)
              .build());
    }
    if (batch.count() > 0) {
      db.write(batch, operation);
    }
    return cursor;
  }

  @Override
  public void close() {
    batch.close();
    view.close();
  }
}
