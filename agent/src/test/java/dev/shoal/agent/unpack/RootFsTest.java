package dev.shoal.agent.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.oci.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RootFsTest {
  @TempDir Path tmp;
  LayerCache cache;
  final List<RootFs> opened = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cache = new LayerCache(tmp.resolve("layers"), UnpackLimits.defaults());
  }

  @AfterEach
  void unmountAll() throws IOException {
    for (RootFs fs : opened) {
      fs.close();
    }
  }

  /** Three layers where the upper ones delete, replace, hide and re-mode what the lower hold. */
  List<Path> stack() throws IOException {
    Path base =
        unpack(
            new TarBuilder()
                .dir("etc")
                .file("etc/passwd", "root:x:0:0")
                .file("etc/motd", "hello")
                .file("etc/hosts", 0600, "127.0.0.1")
                .dir("var/cache/apt")
                .file("var/cache/apt/pkgcache.bin", "old cache")
                .file("var/cache/apt/srcpkgcache.bin", "old")
                .file("replaced", "was a file")
                .dir("gone-dir/sub")
                .file("gone-dir/sub/f", "deep")
                .file("bin/busybox", 0755, "ELF")
                .hardLink("bin/ls", "bin/busybox")
                .symlink("bin/sh", "busybox")
                .build());
    Path middle =
        unpack(
            new TarBuilder()
                .file("etc/.wh.motd", "")
                .file(".wh.gone-dir", "")
                .dir("var/cache/apt")
                .file("var/cache/apt/.wh..wh..opq", "")
                .file("var/cache/apt/fresh", "new cache")
                .dir("replaced")
                .file("replaced/now-a-dir", "yes")
                .build());
    Path top =
        unpack(
            new TarBuilder()
                .file("etc/hosts", 0644, "127.0.0.1 localhost")
                .file("etc/motd", "back again")
                .build());
    return List.of(base, middle, top);
  }

  @ParameterizedTest
  @EnumSource(RootFs.Assembly.class)
  void assemble_showsUpperLayersDeletionsAndReplacements(RootFs.Assembly assembly)
      throws IOException {
    RootFs fs = assemble(stack(), assembly);
    if (assembly == RootFs.Assembly.COPY) {
      assertThat(fs.overlay()).isFalse();
    } else {
      Assumptions.assumeTrue(fs.overlay(), "overlayfs cannot be mounted here (needs root)");
      assertThat(Files.readString(Path.of("/proc/self/mounts"))).contains(fs.path().toString());
    }
    Path root = fs.path();
    assertThat(root.resolve("etc/passwd")).hasContent("root:x:0:0");
    assertThat(root.resolve("etc/motd")).hasContent("back again");
    assertThat(root.resolve("etc/hosts")).hasContent("127.0.0.1 localhost");
    assertThat(LayerCacheTest.mode(root.resolve("etc/hosts"))).isEqualTo(0644);
    assertThat(root.resolve("gone-dir")).doesNotExist();
    assertThat(names(root.resolve("var/cache/apt"))).containsExactly("fresh");
    assertThat(root.resolve("replaced/now-a-dir")).hasContent("yes");
    assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).hasToString("busybox");
    assertThat(Files.getAttribute(root.resolve("bin/ls"), "unix:ino"))
        .isEqualTo(Files.getAttribute(root.resolve("bin/busybox"), "unix:ino"));
    assertThat(names(root)).containsExactlyInAnyOrder("bin", "etc", "replaced", "var");
    // The root filesystem is writable and its writes stay out of the shared layers.
    Files.writeString(root.resolve("etc/passwd"), "changed");
    assertThat(stack().get(0).resolve("etc/passwd")).hasContent("root:x:0:0");
  }

  @Test
  void assemble_overlayOfManyLayers_fitsTheMountOptions() throws IOException {
    List<Path> layers = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      layers.add(unpack(new TarBuilder().file("layer-" + i, "" + i).file("top", "" + i).build()));
    }
    RootFs fs = assemble(layers, RootFs.Assembly.OVERLAY_OR_COPY);
    Assumptions.assumeTrue(fs.overlay(), "overlayfs cannot be mounted here (needs root)");
    assertThat(fs.path().resolve("top")).hasContent("119");
    assertThat(names(fs.path())).hasSize(121);
  }

  @Test
  void close_unmountsAndRemovesTargetAndScratch() throws IOException {
    Path target = tmp.resolve("rootfs");
    Path scratch = tmp.resolve("scratch");
    RootFs fs = RootFs.assemble(stack(), target, scratch, RootFs.Assembly.OVERLAY_OR_COPY);
    fs.close();
    assertThat(target).doesNotExist();
    assertThat(scratch).doesNotExist();
    assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(target.toString());
    fs.close();
  }

  @Test
  void assemble_refusesANonEmptyTarget() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("rootfs"));
    Files.writeString(target.resolve("x"), "x");
    assertThatThrownBy(() -> RootFs.assemble(stack(), target, tmp.resolve("scratch")))
        .hasMessageContaining("is not empty");
    assertThat(target.resolve("x")).exists();
  }

  @Test
  void assembly_fromEnvironment_honoursTheSystemProperty() {
    String before = System.getProperty("shoal.rootfs");
    try {
      System.setProperty("shoal.rootfs", "copy");
      assertThat(RootFs.Assembly.fromEnvironment()).isEqualTo(RootFs.Assembly.COPY);
      System.setProperty("shoal.rootfs", "overlay");
      assertThat(RootFs.Assembly.fromEnvironment()).isEqualTo(RootFs.Assembly.OVERLAY_OR_COPY);
    } finally {
      if (before == null) {
        System.clearProperty("shoal.rootfs");
      } else {
        System.setProperty("shoal.rootfs", before);
      }
    }
  }

  private RootFs assemble(List<Path> layers, RootFs.Assembly assembly) throws IOException {
    String n = "fs" + opened.size();
    RootFs fs =
        RootFs.assemble(layers, tmp.resolve(n + "/rootfs"), tmp.resolve(n + "/scratch"), assembly);
    opened.add(fs);
    return fs;
  }

  private Path unpack(byte[] tar) throws IOException {
    Path blob = Files.createTempFile(tmp, "blob", ".tar");
    Files.write(blob, tar);
    return cache.unpack(TarBuilder.diffId(tar), MediaTypes.OCI_LAYER_TAR, blob);
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    }
  }
}
