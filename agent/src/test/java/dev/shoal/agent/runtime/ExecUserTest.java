package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecUserTest {
  @TempDir Path rootfs;

  @BeforeEach
  void files() throws Exception {
    Path etc = Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(
        etc.resolve("passwd"),
        "# comment\nroot:x:0:0:root:/root:/bin/sh\nweb:x:33:34:web:/var/www:/bin/false\n");
    Files.writeString(
        etc.resolve("group"), "root:x:0:\nweb:x:34:\nlogs:x:40:web,other\ndata:x:50:\n");
  }

  @Test
  void empty_isRootWithRootsHome() throws Exception {
    assertThat(ExecUser.resolve(rootfs, "")).isEqualTo(new ExecUser(0, 0, List.of(), "/root"));
  }

  @Test
  void name_takesUidGidHomeAndSupplementaryGroupsFromTheImage() throws Exception {
    assertThat(ExecUser.resolve(rootfs, "web"))
        .isEqualTo(new ExecUser(33, 34, List.of(40L), "/var/www"));
  }

  @Test
  void uidAndGroupName_orNumbersWithoutEntries() throws Exception {
    assertThat(ExecUser.resolve(rootfs, "33:data").gid()).isEqualTo(50);
    assertThat(ExecUser.resolve(rootfs, "4242:4343"))
        .isEqualTo(new ExecUser(4242, 4343, List.of(), "/"));
    assertThat(ExecUser.resolve(rootfs, "4242")).isEqualTo(new ExecUser(4242, 0, List.of(), "/"));
  }

  @Test
  void unknownNames_areRefusedWithTheFix() {
    assertThatThrownBy(() -> ExecUser.resolve(rootfs, "nobody"))
        .hasMessage(
            "user nobody of the image is not in its /etc/passwd: run it with a numeric uid instead");
    assertThatThrownBy(() -> ExecUser.resolve(rootfs, "web:nogroup"))
        .hasMessageContaining("group nogroup of the image is not in its /etc/group");
  }

  @Test
  void aPasswdLinkingOutOfTheRootfs_countsAsNone(@TempDir Path host) throws Exception {
    Files.writeString(host.resolve("passwd"), "web:x:0:0:host:/:/bin/sh\n");
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), host.resolve("passwd"));

    assertThatThrownBy(() -> ExecUser.resolve(rootfs, "web"))
        .isInstanceOf(ContainerException.class);
  }
}
