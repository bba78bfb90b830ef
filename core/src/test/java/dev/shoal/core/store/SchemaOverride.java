package dev.shoal.core.store;

import dev.shoal.proto.index.v1.SchemaVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/** Test helper: rewrites the schema version of an index, as an older or newer Shoal would have. */
final class SchemaOverride {
  private SchemaOverride() {}

  static void write(Path indexDir, int version) throws Exception {
    java.util.List<byte[]> names;
    try (var o = new org.rocksdb.Options()) {
      names = RocksDB.listColumnFamilies(o, indexDir.toString());
    }
    var descriptors = names.stream().map(ColumnFamilyDescriptor::new).toList();
    var handles = new java.util.ArrayList<ColumnFamilyHandle>();
    try (DBOptions opts = new DBOptions();
        RocksDB db = RocksDB.open(opts, indexDir.toString(), descriptors, handles)) {
      db.put(
          handles.get(0),
          "schema".getBytes(StandardCharsets.UTF_8),
          SchemaVersion.newBuilder().setVersion(version).build().toByteArray());
      handles.forEach(ColumnFamilyHandle::close);
    }
  }
}
