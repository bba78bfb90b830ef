package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadAreaTest {
  @TempDir Path dir;

  private final String id = UUID.randomUUID().toString();

  @Test
  void aSessionWrittenTo_cannotBeClaimedForSweeping_untilEveryRequestLetGo() throws Exception {
    UploadArea area = UploadArea.open(dir);
    UploadArea.Lease first = area.acquire(id);
    UploadArea.Lease second = area.acquire(id);

    first.close();
    first.close(); // a second close must not release the other request's hold
    assertThat(area.claimForSweep(id)).isFalse();
    second.close();
    assertThat(area.claimForSweep(id)).isTrue();
  }

  @Test
  void aSessionBeingSwept_cannotBeAcquired_untilTheSweepEnds() throws Exception {
    UploadArea area = UploadArea.open(dir);
    assertThat(area.claimForSweep(id)).isTrue();

    assertThat(area.acquire(id)).isNull();
    assertThat(area.claimForSweep(id)).as("one sweep at a time").isFalse();
    area.endSweep(id);
    assertThat(area.acquire(id)).isNotNull();
  }

  @Test
  void files_areNamedByUuidOnly() throws Exception {
    UploadArea area = UploadArea.open(dir.resolve("uploads"));
    Files.write(area.file(id), new byte[1]);
    Files.write(dir.resolve("uploads").resolve("notes.txt"), new byte[1]);

    assertThat(area.fileIds()).containsExactly(id);
    assertThatThrownBy(() -> area.file("../escape"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a UUID");
  }
}
