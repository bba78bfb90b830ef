package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The flags a user types: {@code --add SRC:DEST} and {@code -t}. */
class ParsingTest {
  @Test
  void add_splitsAtTheLastColon_andNormalisesDest() {
    AddSpec a = AddSpec.parse("C:weird/app.jar://app//lib/./");
    assertThat(a.source()).isEqualTo(Path.of("C:weird/app.jar"));
    assertThat(a.dest()).isEqualTo("/app/lib");
    assertThat(a.intoDirectory()).isTrue();
  }

  @Test
  void add_refusesRelativeDestAndDotDot() {
    assertThatThrownBy(() -> AddSpec.parse("app.jar:app"))
        .hasMessageContaining("DEST app is relative");
    assertThatThrownBy(() -> AddSpec.parse("app.jar:/app/../etc")).hasMessageContaining("\"..\"");
    assertThatThrownBy(() -> AddSpec.parse("app.jar")).hasMessageContaining("expected: SRC:DEST");
  }

  @Test
  void target_layoutOrRegistry() {
    assertThat(Target.parse("oci:out/img:v1"))
        .isEqualTo(new Target(Path.of("out/img"), null, "v1"));
    assertThat(Target.parse("oci:out/img").tag()).isEqualTo("latest");
    Target t = Target.parse("127.0.0.1:5000/alice/app:v2");
    assertThat(t.reference().registry()).isEqualTo("127.0.0.1:5000");
    assertThat(t.reference().repository()).isEqualTo("alice/app");
    assertThat(t.tag()).isEqualTo("v2");
    assertThatThrownBy(() -> Target.parse("Bad Name"))
        .hasMessageContaining("expected: HOST/REPO:TAG");
    assertThatThrownBy(() -> Target.parse("oci:dir:bad tag")).hasMessageContaining("oci:DIR:TAG");
  }

  @Test
  void loopbackRegistries_arePlainHttp() {
    assertThat(RegistryAccess.isLoopback("127.0.0.1:5000")).isTrue();
    assertThat(RegistryAccess.isLoopback("localhost")).isTrue();
    assertThat(RegistryAccess.isLoopback("[::1]:5000")).isTrue();
    assertThat(RegistryAccess.isLoopback("registry.example.com:5000")).isFalse();
  }
}
