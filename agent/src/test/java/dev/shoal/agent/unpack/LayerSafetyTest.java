package dev.shoal.agent.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-built malicious layers, one per escape: each is refused with an error naming the layer and
 * the entry, and nothing appears outside the layers directory (a sentinel directory next to it
 * stays as it was) or inside it.
 */
class LayerSafetyTest {
  @TempDir Path tmp;
  Path sentinel;
  Path layers;

  /**
   * @param tar the layer, given the sentinel directory's absolute path
   * @param entry the entry the error must name
   * @param reason words the error must contain
   */
  record Case(
      String name, Function<Path, byte[]> tar, String entry, String reason, UnpackLimits limits) {
    Case(String name, Function<Path, byte[]> tar, String entry, String reason) {
      this(name, tar, entry, reason, UnpackLimits.defaults());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> escapes() {
    // The layer is unpacked in <tmp>/layers/.tmp-…, so ../../sentinel is the sentinel.
    return Stream.of(
        new Case(
            "dot-dot",
            s -> new TarBuilder().file("../../sentinel/pwned", "x").build(),
            "../../sentinel/pwned",
            "'..'"),
        new Case(
            "dot-dot in the middle",
            s -> new TarBuilder().dir("a").file("a/../../../sentinel/pwned", "x").build(),
            "a/../../../sentinel/pwned",
            "'..'"),
        new Case(
            "absolute path",
            s -> new TarBuilder().file(s + "/pwned", "x").build(),
            "SENTINEL/pwned",
            "absolute path"),
        new Case(
            "write through an absolute symlink",
            s -> new TarBuilder().symlink("evil", s.toString()).file("evil/pwned", "x").build(),
            "evil/pwned",
            "symlink evil"),
        new Case(
            "write through a relative symlink",
            s -> new TarBuilder().symlink("evil", "../../sentinel").file("evil/pwned", "x").build(),
            "evil/pwned",
            "symlink evil"),
        new Case(
            "a directory replaced by a symlink, then written through",
            s ->
                new TarBuilder()
                    .file("d/ok", "x")
                    .symlink("d", s.toString())
                    .file("d/pwned", "x")
                    .build(),
            "d/pwned",
            "symlink d"),
        new Case(
            "directory through a symlink",
            s -> new TarBuilder().symlink("d", s.toString()).dir("d/sub").build(),
            "d/sub",
            "symlink d"),
        new Case(
            "whiteout through a symlink",
            s -> new TarBuilder().symlink("d", s.toString()).file("d/.wh.secret", "").build(),
            "d/.wh.secret",
            "symlink d"),
        new Case(
            "opaque marker through a symlink",
            s -> new TarBuilder().symlink("d", s.toString()).file("d/.wh..wh..opq", "").build(),
            "d/.wh..wh..opq",
            "symlink d"),
        new Case(
            "hard link to an absolute path",
            s -> new TarBuilder().hardLink("stolen", s + "/secret").build(),
            "stolen",
            "absolute path"),
        new Case(
            "hard link with dot-dot",
            s -> new TarBuilder().hardLink("stolen", "../../sentinel/secret").build(),
            "stolen",
            "'..'"),
        new Case(
            "hard link through a symlink",
            s ->
                new TarBuilder()
                    .symlink("evil", s.toString())
                    .hardLink("stolen", "evil/secret")
                    .build(),
            "stolen",
            "symlink evil"),
        new Case(
            "hard link to a missing file",
            s -> new TarBuilder().hardLink("stolen", "etc/shadow").build(),
            "stolen",
            "not in the layer"),
        new Case(
            "character device",
            s -> new TarBuilder().entry("dev/mem", '3', 0600, 0, 0, "", new byte[0]).build(),
            "dev/mem",
            "device nodes are not allowed"),
        new Case(
            "block device",
            s -> new TarBuilder().entry("dev/sda", '4', 0600, 0, 0, "", new byte[0]).build(),
            "dev/sda",
            "device nodes are not allowed"),
        new Case(
            "FIFO",
            s -> new TarBuilder().entry("run/pipe", '6', 0600, 0, 0, "", new byte[0]).build(),
            "run/pipe",
            "FIFOs are not allowed"),
        new Case(
            "bomb by size",
            s ->
                TarBuilder.gzip(
                    new TarBuilder()
                        .file("small", "ok")
                        .entry("zeros", '0', 0644, 0, 0, "", new byte[4 << 20])
                        .build()),
            "zeros",
            "more than 1048576 bytes",
            new UnpackLimits(1 << 20, 1000)),
        new Case(
            "bomb by entry count",
            s -> {
              TarBuilder b = new TarBuilder();
              for (int i = 0; i < 101; i++) {
                b.file("f" + i, "");
              }
              return b.build();
            },
            "f100",
            "more than 100 entries",
            new UnpackLimits(1 << 30, 100)));
  }

  @BeforeEach
  void setUp() throws IOException {
    sentinel = Files.createDirectories(tmp.resolve("sentinel"));
    Files.writeString(sentinel.resolve("secret"), "the host's secret");
    layers = tmp.resolve("layers");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapes")
  void unpack_refusesEscape_namingLayerAndEntry(Case c) throws IOException {
    LayerCache cache = new LayerCache(layers, c.limits());
    byte[] bytes = c.tar().apply(sentinel);
    byte[] tar = isGzip(bytes) ? null : bytes;
    // The diff id is right (the gzip bomb's is irrelevant: it is refused before the end).
    Digest diffId = tar != null ? TarBuilder.diffId(tar) : Digest.sha256Of(bytes);
    Path blob = tmp.resolve("blob");
    Files.write(blob, bytes);
    String entry = c.entry().replace("SENTINEL", sentinel.toString());

    assertThatThrownBy(() -> cache.unpack(diffId, MediaTypes.OCI_LAYER_TAR, blob))
        .isInstanceOfSatisfying(
            LayerRejectedException.class,
            e -> {
              assertThat(e.layer()).isEqualTo(diffId);
              assertThat(e.entry()).isEqualTo(entry);
              assertThat(e.getMessage())
                  .startsWith("layer " + diffId + ": entry \"" + entry + "\": ")
                  .contains(c.reason());
            });
    try (Stream<Path> s = Files.list(sentinel)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("secret"));
    }
    assertThat(sentinel.resolve("secret")).hasContent("the host's secret");
    assertThat(Files.getAttribute(sentinel.resolve("secret"), "unix:nlink")).isEqualTo(1);
    assertThat(layers).isEmptyDirectory();
    assertThat(cache.contains(diffId)).isFalse();
  }

  private static boolean isGzip(byte[] b) {
    return b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
  }
}
