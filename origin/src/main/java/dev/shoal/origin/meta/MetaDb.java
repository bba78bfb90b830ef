package dev.shoal.origin.meta;

import dev.shoal.core.store.IndexException;
import dev.shoal.core.store.OwnedHandles;
import dev.shoal.core.store.SchemaVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under the registry metadata: its column families, the schema version checked
 * at open, durable batch writes and consistent (snapshot) reads.
 *
 * <p>Owns every native handle it creates and closes them in reverse order, also when {@link #open}
 * fails half way.
 */
final class MetaDb implements AutoCloseable {
  /** The on-disk layout this code reads and writes. Bump it, with a migration, when it changes. */
  static final int SCHEMA_VERSION = 1;

  static final byte[] EVENT_CURSOR_KEY = "event_cursor".getBytes(StandardCharsets.UTF_8);

  /** The column families besides the default one; keys are described in origin.proto. */
  enum Cf {
    REPOSITORIES,
    TAGS,
    MANIFESTS,
    MANIFEST_REPOS,
    BLOBS,
    LINKS,
    BLOB_REPOS,
    USAGES,
    REFERRERS,
    UPLOADS,
    EVENTS;

    byte[] id() {
      return name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Visits one key and value of a scan; false stops it. */
  @FunctionalInterface
  interface Visitor {
    boolean visit(byte[] key, byte[] value) throws IOException;
  }

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final OwnedHandles owned;
  private final RocksDB db;
  private final ColumnFamilyHandle defaults;
  private final Map<Cf, ColumnFamilyHandle> handles;
  private final WriteOptions durable;

  private MetaDb(
      Path dir,
      OwnedHandles owned,
      RocksDB db,
      ColumnFamilyHandle defaults,
      Map<Cf, ColumnFamilyHandle> handles,
      WriteOptions durable) {
    this.dir = dir;
    this.owned = owned;
    this.db = db;
    this.defaults = defaults;
    this.handles = handles;
    this.durable = durable;
  }

  /** Opens (creating if needed) the database in {@code dir} and checks its schema version. */
  static MetaDb open(Path dir) throws IndexException {
    OwnedHandles owned = new OwnedHandles();
    try {
      Files.createDirectories(dir);
      ColumnFamilyOptions cfOptions = owned.own(new ColumnFamilyOptions());
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
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
      for (Cf cf : Cf.values()) {
        descriptors.add(new ColumnFamilyDescriptor(cf.id(), cfOptions));
      }
      // A newer Shoal may have added column families; open them too, so that the schema check
      // below, not RocksDB, explains why this release refuses the directory.
      for (byte[] existing : existingFamilies(owned, dir)) {
        if (descriptors.stream().noneMatch(d -> Arrays.equals(d.getName(), existing))) {
          descriptors.add(new ColumnFamilyDescriptor(existing, cfOptions));
        }
      }
      List<ColumnFamilyHandle> opened = new ArrayList<>();
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, opened);
      // Handles close before the database; `owned` closes in reverse order of insertion.
      owned.own(db);
      opened.forEach(h -> owned.own(h));
      Map<Cf, ColumnFamilyHandle> handles = new EnumMap<>(Cf.class);
      for (Cf cf : Cf.values()) {
        handles.put(cf, opened.get(cf.ordinal() + 1));
      }
      WriteOptions durable = owned.own(new WriteOptions().setSync(true));
      MetaDb meta = new MetaDb(dir, owned, db, opened.get(0), handles, durable);
      meta.checkSchema();
      return meta;
    } catch (RocksDBException | IOException | RuntimeException e) {
      owned.close();
      if (e instanceof IndexException ie) {
        throw ie;
      }
      throw new IndexException("open " + dir, e);
    }
  }

  private static List<byte[]> existingFamilies(OwnedHandles owned, Path dir)
      throws RocksDBException {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return List.of();
    }
    Options options = owned.own(new Options());
    return RocksDB.listColumnFamilies(options, dir.toString());
  }

  private void checkSchema() throws RocksDBException, IndexException {
    SchemaVersions.check(db, defaults, durable, dir, "metadata", SCHEMA_VERSION, "shoal-origin");
  }

  /** A value of the default column family, read outside any snapshot. */
  byte[] getDefault(byte[] key) throws IndexException {
    try {
      return db.get(defaults, key);
    } catch (RocksDBException e) {
      throw new IndexException("get " + MetaKeys.text(key), e);
    }
  }

  ColumnFamilyHandle defaults() {
    return defaults;
  }

  ColumnFamilyHandle cf(Cf cf) {
    return handles.get(cf);
  }

  /** Applies {@code batch} atomically and waits for it to reach the disk. */
  void write(WriteBatch batch, String operation) throws IndexException {
    try {
      db.write(durable, batch);
    } catch (RocksDBException e) {
      throw new IndexException(operation, e);
    }
  }

  /** A consistent view of the database as of now; close it when done. */
  View view() {
    return new View();
  }

  /** Reads from one snapshot, so a query spanning several column families sees one state. */
  final class View implements AutoCloseable {
    private final Snapshot snapshot;
    private final ReadOptions options;

    private View() {
      this.snapshot = db.getSnapshot();
      this.options = new ReadOptions().setSnapshot(snapshot);
    }

    byte[] get(Cf cf, byte[] key) throws IndexException {
      try {
        return db.get(handles.get(cf), options, key);
      } catch (RocksDBException e) {
        throw new IndexException("get " + cf.name().toLowerCase(Locale.ROOT) + " " + show(key), e);
      }
    }

    boolean has(Cf cf, byte[] key) throws IndexException {
      return get(cf, key) != null;
    }

    /** Visits keys starting with {@code prefix}, in key order, from {@code from} (inclusive). */
    void scan(Cf cf, byte[] prefix, byte[] from, Visitor visitor) throws IOException {
      try (RocksIterator it = db.newIterator(handles.get(cf), options)) {
        for (it.seek(from); it.isValid(); it.next()) {
          byte[] key = it.key();
          if (!MetaKeys.startsWith(key, prefix) || !visitor.visit(key, it.value())) {
            break;
          }
        }
        it.status();
      } catch (RocksDBException e) {
        throw new IndexException(
            "scan " + cf.name().toLowerCase(Locale.ROOT) + " " + show(prefix), e);
      }
    }

    /** Whether a key starts with {@code prefix}, other than {@code except}. */
    boolean anyUnder(Cf cf, byte[] prefix, byte[] except) throws IOException {
      boolean[] found = {false};
      scan(
          cf,
          prefix,
          prefix,
          (k, v) -> {
            found[0] = !Arrays.equals(k, except);
            return !found[0];
          });
      return found[0];
    }

    @Override
    public void close() {
      options.close();
      db.releaseSnapshot(snapshot);
    }
  }

  private static String show(byte[] key) {
    return MetaKeys.text(key).replace('\0', '/');
  }

  @Override
  public void close() {
    owned.close();
  }
}
