package dev.shoal.core.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.AccessRecord;
import dev.shoal.proto.index.v1.BlobRecord;
import dev.shoal.proto.index.v1.TagRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB index of the content store: one column family per record kind, values are {@code
 * shoal.index.v1} messages, and a schema version checked at open.
 *
 * <p>Owns every native handle it creates and closes them in reverse order, also when {@link #open}
 * fails half way.
 */
// "try": a Guard is held for the scope of its try block, never referenced inside it.
@SuppressWarnings("try")
final class BlobIndex implements AutoCloseable {
  /** The on-disk layout this code reads and writes. Bump it, with a migration, when it changes. */
  static final int SCHEMA_VERSION = 1;

  /** The layout version of a single record; a record from a newer Shoal is refused, not misread. */
  static final int RECORD_FORMAT = 1;

  private static final String CF_BLOBS = "blobs";
  private static final String CF_ACCESS = "access";
  private static final String CF_TAGS = "tags";

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final OwnedHandles owned;
  private final RocksDB db;
  private final ColumnFamilyHandle blobs;
  private final ColumnFamilyHandle access;
  private final ColumnFamilyHandle tags;
  private final WriteOptions durable;
  private final WriteOptions relaxed;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lock

  private BlobIndex(
      Path dir,
      OwnedHandles owned,
      RocksDB db,
      ColumnFamilyHandle blobs,
      ColumnFamilyHandle access,
      ColumnFamilyHandle tags,
      WriteOptions durable,
      WriteOptions relaxed) {
    this.dir = dir;
    this.owned = owned;
    this.db = db;
    this.blobs = blobs;
    this.access = access;
    this.tags = tags;
    this.durable = durable;
    this.relaxed = relaxed;
  }

  /** Opens (creating if needed) the index in {@code dir} and checks its schema version. */
  static BlobIndex open(Path dir) throws IndexException {
    OwnedHandles owned = new OwnedHandles();
    try {
      Files.createDirectories(dir);
      ColumnFamilyOptions cfOptions = owned.own(new ColumnFamilyOptions());
      cfOptions.optimizeForPointLookup(64);
      DBOptions dbOptions =
          owned.own(
              new DBOptions()
                  .setCreateIfMissing(true)
                  .setCreateMissingColumnFamilies(true)
                  .setKeepLogFileNum(4)
                  .setMaxTotalWalSize(64L << 20)
                  // Not the default 4 MiB, taken at once from the disk whenever a new MANIFEST
                  // starts: on a full disk, the space a failed download just freed.
                  .setManifestPreallocationSize(64L << 10));
      List<ColumnFamilyDescriptor> descriptors =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
              new ColumnFamilyDescriptor(CF_BLOBS.getBytes(StandardCharsets.UTF_8), cfOptions),
              new ColumnFamilyDescriptor(CF_ACCESS.getBytes(StandardCharsets.UTF_8), cfOptions),
              // Added after schema 1 shipped; an older index gets it created empty at open.
              new ColumnFamilyDescriptor(CF_TAGS.getBytes(StandardCharsets.UTF_8), cfOptions));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      // Handles close before the database; `owned` closes in reverse order of insertion.
      owned.own(db);
      handles.forEach(h -> owned.own(h));
      WriteOptions durable = owned.own(new WriteOptions().setSync(true));
      WriteOptions relaxed = owned.own(new WriteOptions());
      BlobIndex index =
          new BlobIndex(
              dir, owned, db, handles.get(1), handles.get(2), handles.get(3), durable, relaxed);
      index.checkSchema(handles.get(0));
      return index;
    } catch (RocksDBException | java.io.IOException | RuntimeException e) {
      owned.close();
      if (e instanceof IndexException ie) {
        throw ie;
      }
      throw new IndexException("open " + dir, e);
    }
  }

  private void checkSchema(ColumnFamilyHandle defaults) throws RocksDBException, IndexException {
    SchemaVersions.check(db, defaults, durable, dir, "index", SCHEMA_VERSION, "shoal");
  }

  Optional<BlobRecord> get(Digest digest) throws IndexException {
    try (Guard g = enter()) {
      try {
        byte[] raw = db.get(blobs, key(digest));
        return raw == null ? Optional.empty() : Optional.of(parseRecord(digest, raw));
      } catch (RocksDBException e) {
        throw new IndexException("get " + digest, e);
      }
    }
  }

  /** Writes a record durably (a state change). */
  void put(Digest digest, BlobRecord record) throws IndexException {
    try (Guard g = enter()) {
      try {
        db.put(blobs, durable, key(digest), record.toByteArray());
      } catch (RocksDBException e) {
        throw new IndexException("put " + digest, e);
      }
    }
  }

  /**
   * Writes a record without waiting for the disk; for facts that are safe to lose in a power cut (a
   * piece bit whose bytes were already forced to disk).
   */
  void putRelaxed(Digest digest, BlobRecord record) throws IndexException {
    try (Guard g = enter()) {
      try {
        db.put(blobs, relaxed, key(digest), record.toByteArray());
      } catch (RocksDBException e) {
        throw new IndexException("put " + digest, e);
      }
    }
  }

  /** Writes a record and its access time in one atomic batch. */
  void put(Digest digest, BlobRecord record, long accessMillis) throws IndexException {
    try (Guard g = enter()) {
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(blobs, key(digest), record.toByteArray());
        batch.put(access, key(digest), accessValue(accessMillis));
        db.write(durable, batch);
      } catch (RocksDBException e) {
        throw new IndexException("put " + digest, e);
      }
    }
  }

  void delete(Digest digest) throws IndexException {
    try (Guard g = enter()) {
      try (WriteBatch batch = new WriteBatch()) {
        batch.delete(blobs, key(digest));
        batch.delete(access, key(digest));
        db.write(durable, batch);
      } catch (RocksDBException e) {
        throw new IndexException("delete " + digest, e);
      }
    }
  }

  long lastAccess(Digest digest) throws IndexException {
    try (Guard g = enter()) {
      try {
        byte[] raw = db.get(access, key(digest));
        return raw == null ? 0 : AccessRecord.parseFrom(raw).getLastAccessMillis();
      } catch (RocksDBException | InvalidProtocolBufferException e) {
        throw new IndexException("get access " + digest, e);
      }
    }
  }

  void putAccess(Digest digest, long millis) throws IndexException {
    try (Guard g = enter()) {
      try {
        db.put(access, relaxed, key(digest), accessValue(millis));
      } catch (RocksDBException e) {
        throw new IndexException("put access " + digest, e);
      }
    }
  }

  /** Visits every blob record in key order. */
  void forEach(BiConsumer<Digest, BlobRecord> visitor) throws IndexException {
    try (Guard g = enter()) {
      try (RocksIterator it = db.newIterator(blobs)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          Digest d = Digest.parse(new String(it.key(), StandardCharsets.UTF_8));
          visitor.accept(d, parseRecord(d, it.value()));
        }
        it.status();
      } catch (RocksDBException e) {
        throw new IndexException("scan blobs", e);
      }
    }
  }

  Optional<TagRecord> getTag(String name) throws IndexException {
    try (Guard g = enter()) {
      try {
        byte[] raw = db.get(tags, name.getBytes(StandardCharsets.UTF_8));
        return raw == null ? Optional.empty() : Optional.of(TagRecord.parseFrom(raw));
      } catch (RocksDBException | InvalidProtocolBufferException e) {
        throw new IndexException("get tag " + name, e);
      }
    }
  }

  /** Relaxed: a tag lost in a power cut is resolved again from the upstream. */
  void putTag(String name, TagRecord record) throws IndexException {
    try (Guard g = enter()) {
      try {
        db.put(tags, relaxed, name.getBytes(StandardCharsets.UTF_8), record.toByteArray());
      } catch (RocksDBException e) {
        throw new IndexException("put tag " + name, e);
      }
    }
  }

  /** Removes access entries whose blob record is gone (left by a crash between the two writes). */
  int pruneAccess() throws IndexException {
    try (Guard g = enter()) {
      int pruned = 0;
      try (RocksIterator it = db.newIterator(access);
          WriteBatch batch = new WriteBatch()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (db.get(blobs, it.key()) == null) {
            batch.delete(access, it.key());
            pruned++;
          }
        }
        it.status();
        db.write(durable, batch);
        return pruned;
      } catch (RocksDBException e) {
        throw new IndexException("prune access", e);
      }
    }
  }

  private static BlobRecord parseRecord(Digest digest, byte[] raw) throws IndexException {
    BlobRecord r;
    try {
      r = BlobRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IndexException("record of " + digest + " is unreadable: " + e.getMessage());
    }
    if (r.getFormat() > RECORD_FORMAT) {
      throw new IndexException(
          "record of "
              + digest
              + " has format "
              + r.getFormat()
              + " (expected: <= "
              + RECORD_FORMAT
              + "); it was written by a newer Shoal");
    }
    return r;
  }

  private static byte[] key(Digest digest) {
    return digest.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] accessValue(long millis) {
    return AccessRecord.newBuilder().setLastAccessMillis(millis).build().toByteArray();
  }

  /** Held while an operation uses the native handles; {@link #close} waits for every one. */
  private final class Guard implements AutoCloseable {
    @Override
    public void close() {
      lock.readLock().unlock();
    }
  }

  private Guard enter() throws IndexException {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      throw new IndexException("index " + dir + " is closed (the store is shutting down)");
    }
    return new Guard();
  }

  /**
   * Closes the database once the operations in progress are done; later ones fail with {@link
   * IndexException} instead of touching freed native memory.
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        owned.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
