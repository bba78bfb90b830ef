package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.ContainerState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
