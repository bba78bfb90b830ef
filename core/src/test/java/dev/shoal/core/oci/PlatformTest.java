package dev.shoal.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformTest {

  @Test
  void parse_readsOsArchitectureAndVariant() {
    assertThat(Platform.parse("linux/arm64/v8"))
        .isEqualTo(new Platform("arm64", "linux", null, List.of(), "v8"));
    assertThat(Platform.parse("windows/amd64")).isEqualTo(Platform.of("windows", "amd64"));
  }

  @Test
  void toString_isTheParseForm() {
    for (String s : new String[] {"linux/amd64", "linux/arm/v7", "freebsd/riscv64"}) {
      assertThat(Platform.parse(s).toString()).isEqualTo(s);
    }
  }

  @Test
  void parse_rejectsOtherShapes() {
    for (String bad :
        new String[] {"", "linux", "linux/", "/amd64", "linux/arm/v7/x", "linux//v7"}) {
      assertThatThrownBy(() -> Platform.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "platform: \""
                  + bad
                  + "\" (expected: os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8)");
    }
  }

  @Test
  void constructor_rejectsEmptyArchitectureOrOs() {
    assertThatThrownBy(() -> Platform.of("linux", ""))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("platform: architecture: empty (expected: a CPU architecture such as amd64)");
    assertThatThrownBy(() -> Platform.of("", "amd64"))
        .hasMessage("platform: os: empty (expected: an operating system such as linux)");
  }

  @Test
  void constructor_readsEmptyOptionalStringsAsAbsent() {
    Platform p = new Platform("amd64", "linux", "", List.of(), "");

    assertThat(p.osVersion()).isNull();
    assertThat(p.variant()).isNull();
    assertThat(p).isEqualTo(Platform.of("linux", "amd64"));
  }

  @Test
  void constructor_copiesFeatures() {
    var features = new java.util.ArrayList<>(List.of("win32k"));
    Platform p = new Platform("amd64", "windows", "10.0", features, null);

    features.add("other");

    assertThat(p.osFeatures()).containsExactly("win32k");
  }
}
