package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.IndexException;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.ContainerState;
import dev.shoal.proto.index.v1.LayerRecord;
import dev.shoal.proto.index.v1.SchemaVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class ContainerIndexTest {
  @TempDir Path dir;

  @Test
  void records_surviveReopening_andDeleteRemovesThem() throws Exception {
    ContainerRecord a =
        ContainerRecord.newBuilder()
            .setId("aa")
            .setName("web")
            .setState(ContainerState.CONTAINER_STATE_RUNNING)
            .addBlobs("sha256:" + "1".repeat(64))
            .build();
    try (ContainerIndex index = ContainerIndex.open(dir)) {
      index.put(a);
      index.put(ContainerRecord.newBuilder().setId("bb").setName("db").build());
      index.delete("bb");
    }
    try (ContainerIndex index = ContainerIndex.open(dir)) {
      assertThat(index.all()).hasSize(1);
      assertThat(index.get("aa")).contains(a.toBuilder().setFormat(1).build());
      assertThat(index.get("bb")).isEmpty();
    }
  }

  @Test
  void aVersion1Index_isUpgraded_keepingItsContainers_andANewerOneIsRefused() throws Exception {
    ContainerRecord a = ContainerRecord.newBuilder().setId("aa").setName("web").build();
    writeVersion1(a);
    Digest layer = Digest.sha256Of(new byte[] {1});

    try (ContainerIndex index = ContainerIndex.open(dir)) {
      assertThat(index.get("aa")).contains(a);
      index.putLayer(layer, LayerRecord.newBuilder().addBlobs("sha256:" + "2".repeat(64)).build());
    }
    try (ContainerIndex index = ContainerIndex.open(dir)) {
      assertThat(index.layers()).containsOnlyKeys(layer);
      index.deleteLayer(layer);
      assertThat(index.layer(layer)).isEmpty();
    }
    writeSchema(3);
    assertThatThrownBy(() -> ContainerIndex.open(dir))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("has schema version 3 (expected: 2)");
  }

  /** What a release with schema version 1 wrote: the containers column family only. */
  private void writeVersion1(ContainerRecord r) throws Exception {
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o =
            new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        RocksDB db =
            RocksDB.open(
                o,
                dir.toString(),
                List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                    new ColumnFamilyDescriptor("containers".getBytes(StandardCharsets.UTF_8))),
                handles)) {
      db.put(
          handles.get(0), SCHEMA, SchemaVersion.newBuilder().setVersion(1).build().toByteArray());
      db.put(handles.get(1), r.getId().getBytes(StandardCharsets.UTF_8), r.toByteArray());
      handles.forEach(ColumnFamilyHandle::close);
    }
  }

  private void writeSchema(int version) throws Exception {
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
    try (Options o = new Options()) {
      RocksDB.listColumnFamilies(o, dir.toString())
          .forEach(n -> cfs.add(new ColumnFamilyDescriptor(n)));
    }
    try (DBOptions o = new DBOptions();
        RocksDB db = RocksDB.open(o, dir.toString(), cfs, handles)) {
      db.put(
          handles.get(0),
          SCHEMA,
          SchemaVersion.newBuilder().setVersion(version).build().toByteArray());
      handles.forEach(ColumnFamilyHandle::close);
    }
  }

  private static final byte[] SCHEMA = "schema".getBytes(StandardCharsets.UTF_8);
}
