package dev.shoal.agent.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.IndexException;
import dev.shoal.core.store.OwnedHandles;
import dev.shoal.core.store.SchemaVersions;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.LayerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The containers the agent ran, in a RocksDB of their own ({@code <data>/containers/index}): column
 * family {@code containers}, key the container id, value a {@code shoal.index.v1.ContainerRecord};
 * column family {@code layers}, key a diff id, value a {@code shoal.index.v1.LayerRecord} (which
 * blobs an unpacked layer came from); a schema version in the default column family, as in the
 * store's index. Version 2 added {@code layers}; a version 1 database is upgraded on open.
 *
 * <p>A database apart from the content store's index because the store (in {@code core}) knows
 * nothing of containers; the blobs a container uses carry its reference in the store's index. Every
 * write is synced: records change a few times per container, and a container must not be forgotten
 * by a crash. Owns its handles and closes them in reverse order, also when open fails.
 */
final class ContainerIndex implements AutoCloseable {
  static final int SCHEMA_VERSION = 2;
  static final int RECORD_FORMAT = 1;
  static final int LAYER_FORMAT = 1;
  private static final String CF = "containers";
  private static final String LAYERS_CF = "layers";

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final OwnedHandles owned;
  private final RocksDB db;
  private final ColumnFamilyHandle containers;
  private final ColumnFamilyHandle layers;
  private final WriteOptions durable;
  private boolean closed; // guarded by this

  private ContainerIndex(
      Path dir,
      OwnedHandles owned,
      RocksDB db,
      ColumnFamilyHandle containers,
      ColumnFamilyHandle layers,
      WriteOptions durable) {
    this.dir = dir;
    this.owned = owned;
    this.db = db;
    this.containers = containers;
    this.layers = layers;
    this.durable = durable;
  }

  static ContainerIndex open(Path dir) throws IndexException {
    OwnedHandles owned = new OwnedHandles();
    try {
      Files.createDirectories(dir);
      ColumnFamilyOptions cf = owned.own(new ColumnFamilyOptions());
      DBOptions options =
          owned.own(
              new DBOptions()
                  .setCreateIfMissing(true)
                  .setCreateMissingColumnFamilies(true)
                  .setKeepLogFileNum(2));
      List<ColumnFamilyDescriptor> descriptors =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf),
              new ColumnFamilyDescriptor(CF.getBytes(StandardCharsets.UTF_8), cf),
              new ColumnFamilyDescriptor(LAYERS_CF.getBytes(StandardCharsets.UTF_8), cf));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
      owned.own(db);
      handles.forEach(owned::own);
      WriteOptions durable = owned.own(new WriteOptions().setSync(true));
      SchemaVersions.check(
          db, handles.get(0), durable, dir, "container index", SCHEMA_VERSION, 1, "shoal");
      return new ContainerIndex(dir, owned, db, handles.get(1), handles.get(2), durable);
    } catch (RocksDBException | java.io.IOException | RuntimeException e) {
      owned.close();
      if (e instanceof IndexException ie) {
        throw ie;
      }
      throw new IndexException("open " + dir, e);
    }
  }

  synchronized Optional<ContainerRecord> get(String id) throws IndexException {
    checkOpen();
    try {
      byte[] raw = db.get(containers, key(id));
      return raw == null ? Optional.empty() : Optional.of(parse(id, raw));
    } catch (RocksDBException e) {
      throw new IndexException("get container " + id, e);
    }
  }

  synchronized void put(ContainerRecord record) throws IndexException {
    checkOpen();
    try {
      db.put(
          containers,
          durable,
          key(record.getId()),
          record.toBuilder().setFormat(RECORD_FORMAT).build().toByteArray());
    } catch (RocksDBException e) {
      throw new IndexException("put container " + record.getId(), e);
    }
  }

  synchronized void delete(String id) throws IndexException {
    checkOpen();
    try {
      db.delete(containers, durable, key(id));
    } catch (RocksDBException e) {
      throw new IndexException("delete container " + id, e);
    }
  }

  /** Every record, in id order. */
  synchronized List<ContainerRecord> all() throws IndexException {
    checkOpen();
    List<ContainerRecord> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(containers)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(parse(new String(it.key(), StandardCharsets.UTF_8), it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("list containers", e);
    }
    return out;
  }

  synchronized Optional<LayerRecord> layer(Digest diffId) throws IndexException {
    checkOpen();
    try {
      byte[] raw = db.get(layers, key(diffId.toString()));
      return raw == null ? Optional.empty() : Optional.of(parseLayer(diffId.toString(), raw));
    } catch (RocksDBException e) {
      throw new IndexException("get layer " + diffId, e);
    }
  }

  synchronized void putLayer(Digest diffId, LayerRecord record) throws IndexException {
    checkOpen();
    try {
      db.put(
          layers,
          durable,
          key(diffId.toString()),
          record.toBuilder().setFormat(LAYER_FORMAT).build().toByteArray());
    } catch (RocksDBException e) {
      throw new IndexException("put layer " + diffId, e);
    }
  }

  synchronized void deleteLayer(Digest diffId) throws IndexException {
    checkOpen();
    try {
      db.delete(layers, durable, key(diffId.toString()));
    } catch (RocksDBException e) {
      throw new IndexException("delete layer " + diffId, e);
    }
  }

  /** Every layer record, by diff id. */
  synchronized Map<Digest, LayerRecord> layers() throws IndexException {
    checkOpen();
    Map<Digest, LayerRecord> out = new LinkedHashMap<>();
    try (RocksIterator it = db.newIterator(layers)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String k = new String(it.key(), StandardCharsets.UTF_8);
        out.put(Digest.parse(k), parseLayer(k, it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("list layers", e);
    }
    return out;
  }

  private LayerRecord parseLayer(String diffId, byte[] raw) throws IndexException {
    LayerRecord r;
    try {
      r = LayerRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IndexException("layer " + diffId + " in " + dir + " has an unreadable record");
    }
    if (r.getFormat() > LAYER_FORMAT) {
      throw new IndexException(
          "layer "
              + diffId
              + " has record format "
              + r.getFormat()
              + " (expected: at most "
              + LAYER_FORMAT
              + "; written by a newer shoal)");
    }
    return r;
  }

  private ContainerRecord parse(String id, byte[] raw) throws IndexException {
    ContainerRecord r;
    try {
      r = ContainerRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IndexException("container " + id + " in " + dir + " has an unreadable record");
    }
    if (r.getFormat() > RECORD_FORMAT) {
      throw new IndexException(
          "container "
              + id
              + " has record format "
              + r.getFormat()
              + " (expected: at most "
              + RECORD_FORMAT
              + "; written by a newer shoal)");
    }
    return r;
  }

  /** A native handle used after close crashes the JVM; a late caller gets an exception instead. */
  private void checkOpen() throws IndexException {
    if (closed) {
      throw new IndexException(
          "the container index at " + dir + " is closed (the agent is stopping)");
    }
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    owned.close();
  }
}
