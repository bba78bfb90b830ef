package dev.shoal.core.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shoal.proto.index.v1.SchemaVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The schema version record every Shoal RocksDB keeps under the key {@code schema}: written on the
 * first open, checked on every later one, so a database written by another release is refused with
 * a clear message instead of misread.
 */
public final class SchemaVersions {
  private static final byte[] KEY = "schema".getBytes(StandardCharsets.UTF_8);

  private SchemaVersions() {}

  /**
   * Writes {@code expected} into a new database, or checks it in an existing one.
   *
   * @param what how the error names the database, e.g. "index" or "metadata"
   * @throws IndexException when the stored version differs or cannot be read
   */
  public static void check(
      RocksDB db,
      ColumnFamilyHandle cf,
      WriteOptions durable,
      Path dir,
      String what,
      int expected,
      String writtenBy)
      throws RocksDBException, IndexException {
    check(db, cf, durable, dir, what, expected, expected, writtenBy);
  }

  /**
   * Like {@link #check(RocksDB, ColumnFamilyHandle, WriteOptions, Path, String, int, String)}, but
   * a database of a version from {@code oldestUpgradable} up to {@code expected} is taken and
   * marked {@code expected}: for a caller whose newer schema only adds to the older one (a new
   * column family the open created). A release that knows only the older version then refuses the
   * database with the usual message instead of failing on what it does not know.
   */
  public static void check(
      RocksDB db,
      ColumnFamilyHandle cf,
      WriteOptions durable,
      Path dir,
      String what,
      int expected,
      int oldestUpgradable,
      String writtenBy)
      throws RocksDBException, IndexException {
    byte[] raw = db.get(cf, KEY);
    if (raw == null) {
      SchemaVersion v =
          SchemaVersion.newBuilder().setVersion(expected).setWrittenBy(writtenBy).build();
      db.put(cf, durable, KEY, v.toByteArray());
      return;
    }
    int found;
    try {
      found = SchemaVersion.parseFrom(raw).getVersion();
    } catch (InvalidProtocolBufferException e) {
      throw new IndexException(what + " at " + dir + " has an unreadable schema version record");
    }
    if (found >= oldestUpgradable && found < expected) {
      SchemaVersion v =
          SchemaVersion.newBuilder().setVersion(expected).setWrittenBy(writtenBy).build();
      db.put(cf, durable, KEY, v.toByteArray());
      return;
    }
    if (found != expected) {
      throw new IndexException(
          what
              + " at "
              + dir
              + " has schema version "
              + found
              + " (expected: "
              + expected
              + "); use the Shoal release that wrote it, or move the data directory aside");
    }
  }
}
