package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BindMountTest {
  @Test
  void parse_readsReadOnlyAndReadWrite() {
    assertThat(BindMount.parse("/a:/b")).isEqualTo(new BindMount("/a", "/b", false));
    assertThat(BindMount.parse("/a:/b:ro")).isEqualTo(new BindMount("/a", "/b", true));
    assertThat(BindMount.parse("/a:/b:rw")).isEqualTo(new BindMount("/a", "/b", false));
  }

  @Test
  void parse_refusesOtherShapes() {
    for (String bad : new String[] {"/a", "/a:", ":/b", "/a:/b:rx", "/a:/b:ro:x"}) {
      assertThatThrownBy(() -> BindMount.parse(bad))
          .hasMessage(
              "-v " + bad + " (expected: HOST_PATH:CONTAINER_PATH[:ro], e.g. /srv/data:/data:ro)");
    }
  }

  @Test
  void check_wantsAbsolutePathsAndNoDotDot() {
    assertThatThrownBy(() -> new BindMount("data", "/d", false).check())
        .hasMessageContaining("both paths must be absolute");
    assertThatThrownBy(() -> new BindMount("/data", "/d/../../etc", false).check())
        .hasMessageContaining("must not contain ..");
  }
}
