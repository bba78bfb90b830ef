package dev.shoal.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPlatformTest {
  private static Descriptor manifest(int n, Platform p) {
    Descriptor d =
        Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.sha256Of(new byte[] {(byte) n}), 100);
    return p == null ? d : d.withPlatform(p);
  }

  @Test
  void choose_takesTheHostsOsAndArchitecture() {
    Descriptor arm = manifest(1, Platform.parse("linux/arm64/v8"));
    Descriptor amd = manifest(2, Platform.parse("linux/amd64"));
    Descriptor win = manifest(3, Platform.parse("windows/amd64"));

    assertThat(HostPlatform.choose(List.of(win, arm, amd), Platform.parse("linux/amd64")))
        .contains(amd);
    assertThat(HostPlatform.choose(List.of(win, arm, amd), Platform.parse("linux/arm64")))
        .contains(arm);
    assertThat(HostPlatform.choose(List.of(win, arm), Platform.parse("linux/riscv64"))).isEmpty();
  }

  @Test
  void choose_takesAManifestWithoutPlatformOnlyWhenNoneNamesTheHost() {
    Descriptor bare = manifest(1, null);
    Descriptor amd = manifest(2, Platform.parse("linux/amd64"));

    assertThat(HostPlatform.choose(List.of(bare, amd), Platform.parse("linux/amd64")))
        .contains(amd);
    assertThat(HostPlatform.choose(List.of(bare), Platform.parse("linux/amd64"))).contains(bare);
  }

  @Test
  void current_isLinuxInGoTerms() {
    assertThat(HostPlatform.current().os()).isEqualTo("linux");
    assertThat(HostPlatform.current().architecture()).isNotIn("x86_64", "aarch64");
  }
}
