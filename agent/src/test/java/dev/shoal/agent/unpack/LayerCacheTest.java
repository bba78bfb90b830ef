package dev.shoal.agent.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCacheTest {
  @TempDir Path tmp;
  Path layers;
  LayerCache cache;

  @BeforeEach
  void setUp() {
    layers = tmp.resolve("layers");
    cache = new LayerCache(layers, UnpackLimits.defaults());
  }

  static byte[] sampleLayer() {
    return new TarBuilder()
        .dir("./")
        .dir("./bin")
        .entry("./bin/busybox", '0', 04755, 0, 0, "", "ELF".getBytes(StandardCharsets.UTF_8))
        .symlink("./bin/sh", "/bin/busybox")
        .hardLink("./bin/ls", "./bin/busybox")
        .dir("./tmp", 01777)
        .entry(
            "./home/user/notes", '0', 0600, 1000, 2000, "", "hi".getBytes(StandardCharsets.UTF_8))
        .entry("./home/user/link", '2', 0777, 1000, 2000, "notes", new byte[0])
        .file("./etc/" + "d".repeat(120) + "/long-name-via-pax", "pax")
        .build();
  }

  @AfterEach
  void cleanUp() throws IOException {
    // JUnit's own cleanup warns about absolute symlinks such as bin/sh -> /bin/busybox.
    Trees.deleteRecursively(layers);
  }

  @Test
  void unpack_plainGzipAndZstd_giveTheSameTree() throws IOException {
    byte[] tar = sampleLayer();
    Digest diffId = TarBuilder.diffId(tar);
    for (Object[] c :
        List.of(
            new Object[] {tar, MediaTypes.OCI_LAYER_TAR},
            new Object[] {TarBuilder.gzip(tar), MediaTypes.OCI_LAYER_TAR_GZIP},
            new Object[] {TarBuilder.gzip(tar), MediaTypes.DOCKER_LAYER_GZIP},
            new Object[] {TarBuilder.zstd(tar), MediaTypes.OCI_LAYER_TAR_ZSTD},
            // Mislabelled: the magic bytes win.
            new Object[] {TarBuilder.zstd(tar), MediaTypes.OCI_LAYER_TAR})) {
      Path dir = cache.unpack(diffId, (String) c[1], blob((byte[]) c[0]));
      assertThat(dir).isEqualTo(layers.resolve("sha256-" + diffId.hex()));
      assertSample(dir);
      cache.delete(diffId);
      assertThat(cache.contains(diffId)).isFalse();
      assertThat(dir).doesNotExist();
    }
  }

  private static void assertSample(Path dir) throws IOException {
    Path busybox = dir.resolve("bin/busybox");
    assertThat(busybox).hasContent("ELF");
    assertThat(mode(busybox)).isEqualTo(04755);
    assertThat(Files.readSymbolicLink(dir.resolve("bin/sh"))).hasToString("/bin/busybox");
    assertThat(Files.getAttribute(dir.resolve("bin/ls"), "unix:ino"))
        .isEqualTo(Files.getAttribute(busybox, "unix:ino"));
    assertThat(mode(dir.resolve("tmp"))).isEqualTo(01777);
    Path notes = dir.resolve("home/user/notes");
    assertThat(mode(notes)).isEqualTo(0600);
    assertThat(Files.getAttribute(notes, "unix:uid")).isEqualTo(1000);
    assertThat(Files.getAttribute(notes, "unix:gid")).isEqualTo(2000);
    Path link = dir.resolve("home/user/link");
    assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);
    assertThat(Files.getLastModifiedTime(notes).toMillis()).isEqualTo(TarBuilder.MTIME * 1000);
    assertThat(Files.getLastModifiedTime(dir.resolve("bin")).toMillis())
        .isEqualTo(TarBuilder.MTIME * 1000);
    assertThat(dir.resolve("etc/" + "d".repeat(120) + "/long-name-via-pax")).hasContent("pax");
  }

  @Test
  void unpack_gnuLongNamesAndLinks() throws IOException {
    String longDir = "x".repeat(150);
    byte[] tar =
        new TarBuilder()
            .gnuLongNames()
            .file(longDir + "/file", "gnu")
            .symlink("short", "/" + longDir + "/file")
            .hardLink("hard", longDir + "/file")
            .build();
    Path dir = cache.unpack(TarBuilder.diffId(tar), MediaTypes.OCI_LAYER_TAR, blob(tar));
    assertThat(dir.resolve(longDir + "/file")).hasContent("gnu");
    assertThat(Files.readSymbolicLink(dir.resolve("short"))).hasToString("/" + longDir + "/file");
    assertThat(dir.resolve("hard")).hasContent("gnu");
  }

  @Test
  void unpack_whiteoutsAndOpaqueDirsInOverlayForm() throws IOException {
    byte[] tar =
        new TarBuilder()
            .dir("etc")
            .file("etc/.wh.passwd", "")
            .dir("var/cache")
            .file("var/cache/.wh..wh..opq", "")
            .file("var/cache/fresh", "new")
            .file(".wh..wh.plnk", "")
            .build();
    Path dir = cache.unpack(TarBuilder.diffId(tar), MediaTypes.OCI_LAYER_TAR, blob(tar));
    assertThat(OverlayFormat.isWhiteout(dir.resolve("etc/passwd"))).isTrue();
    assertThat(OverlayFormat.isOpaque(dir.resolve("var/cache"))).isTrue();
    assertThat(OverlayFormat.isOpaque(dir.resolve("etc"))).isFalse();
    assertThat(dir.resolve("var/cache/fresh")).hasContent("new");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("etc", "var");
    }
  }

  @Test
  void unpack_fileOverSymlink_replacesTheLinkNotItsTarget() throws IOException {
    Path sentinel = sentinel();
    Files.writeString(sentinel.resolve("victim"), "original");
    byte[] tar =
        new TarBuilder()
            .symlink("victim", sentinel.resolve("victim").toString())
            .file("victim", "replaced")
            .build();
    Path dir = cache.unpack(TarBuilder.diffId(tar), MediaTypes.OCI_LAYER_TAR, blob(tar));
    assertThat(Files.isSymbolicLink(dir.resolve("victim"))).isFalse();
    assertThat(dir.resolve("victim")).hasContent("replaced");
    assertThat(sentinel.resolve("victim")).hasContent("original");
  }

  @Test
  void unpack_directoryLaterReplacedBySymlink_leavesTheLinkTargetAlone() throws IOException {
    Path sentinel = sentinel();
    FileTime before = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(sentinel, before);
    byte[] tar =
        new TarBuilder()
            .dir("d", 0700)
            .file("d/x", "x")
            .symlink("d", sentinel.toString())
            .dir("e/f")
            .file("e/.wh.f", "")
            .build();
    Path dir = cache.unpack(TarBuilder.diffId(tar), MediaTypes.OCI_LAYER_TAR, blob(tar));
    assertThat(Files.isSymbolicLink(dir.resolve("d"))).isTrue();
    assertThat(OverlayFormat.isWhiteout(dir.resolve("e/f"))).isTrue();
    assertThat(Files.getLastModifiedTime(sentinel)).isEqualTo(before);
    assertThat(mode(sentinel)).isNotEqualTo(0700);
  }

  @Test
  void unpack_hardLinkToSymlink_linksTheLinkNotItsTarget() throws IOException {
    Path sentinel = sentinel();
    Files.writeString(sentinel.resolve("secret"), "host");
    byte[] tar =
        new TarBuilder()
            .symlink("link", sentinel.resolve("secret").toString())
            .hardLink("hard", "link")
            .build();
    Path dir = cache.unpack(TarBuilder.diffId(tar), MediaTypes.OCI_LAYER_TAR, blob(tar));
    assertThat(Files.isSymbolicLink(dir.resolve("hard"))).isTrue();
    assertThat(Files.getAttribute(sentinel.resolve("secret"), "unix:nlink")).isEqualTo(1);
  }

  @Test
  void unpack_diffIdMismatch_isRejectedAndLeavesNothing() throws IOException {
    byte[] tar = sampleLayer();
    Digest wrong = Digest.sha256Of("another layer".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> cache.unpack(wrong, MediaTypes.OCI_LAYER_TAR_GZIP, blob(TarBuilder.gzip(tar))))
        .isInstanceOfSatisfying(
            LayerRejectedException.class,
            e -> {
              assertThat(e.layer()).isEqualTo(wrong);
              assertThat(e.getMessage())
                  .contains(wrong.toString())
                  .contains(TarBuilder.diffId(tar).toString());
            });
    assertThat(cache.contains(wrong)).isFalse();
    assertThat(layers).isEmptyDirectory();
  }

  @Test
  void unpack_truncatedGzip_isRejected() throws IOException {
    byte[] gz = TarBuilder.gzip(sampleLayer());
    byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
    Digest diffId = TarBuilder.diffId(sampleLayer());
    assertThatThrownBy(() -> cache.unpack(diffId, MediaTypes.OCI_LAYER_TAR_GZIP, blob(cut)))
        .isInstanceOf(LayerRejectedException.class)
        .hasMessageContaining(diffId.toString());
    assertThat(layers).isEmptyDirectory();
  }

  @Test
  void unpack_truncatedZstd_isRejected() throws IOException {
    byte[] zst = TarBuilder.zstd(sampleLayer());
    byte[] cut = java.util.Arrays.copyOf(zst, zst.length - 20);
    Digest diffId = TarBuilder.diffId(sampleLayer());
    assertThatThrownBy(() -> cache.unpack(diffId, MediaTypes.OCI_LAYER_TAR_ZSTD, blob(cut)))
        .isInstanceOf(LayerRejectedException.class)
        .hasMessageContaining(diffId.toString());
    assertThat(layers).isEmptyDirectory();
  }

  @Test
  void unpack_malformedPaxHeader_isRejected() throws IOException {
    byte[] tar =
        new TarBuilder()
            .entry(
                "PaxHeaders/f",
                'x',
                0644,
                0,
                0,
                "",
                "2147483647 path=x\n".getBytes(StandardCharsets.UTF_8))
            .file("f", "x")
            .build();
    Digest diffId = TarBuilder.diffId(tar);
    assertThatThrownBy(() -> cache.unpack(diffId, MediaTypes.OCI_LAYER_TAR, blob(tar)))
        .isInstanceOfSatisfying(
            LayerRejectedException.class,
            e -> {
              assertThat(e.entry()).isEqualTo("PaxHeaders/f");
              assertThat(e.reason()).contains("malformed PAX record");
            });
  }

  @Test
  void unpack_concurrentCallsForOneLayer_unpackItOnce() throws Exception {
    byte[] tar = sampleLayer();
    Digest diffId = TarBuilder.diffId(tar);
    Path blob = blob(TarBuilder.gzip(tar));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> cache.unpack(diffId, MediaTypes.OCI_LAYER_TAR_GZIP, blob)));
      }
      Object inode = null;
      for (Future<Path> f : calls) {
        Path dir = f.get();
        Object ino = Files.getAttribute(dir.resolve("bin/busybox"), "unix:ino");
        inode = inode == null ? ino : inode;
        assertThat(ino).isEqualTo(inode);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> s = Files.list(layers)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("sha256-" + diffId.hex());
    }
  }

  @Test
  void constructor_removesInterruptedUnpacks() throws IOException {
    Path stale = Files.createDirectories(layers.resolve(".tmp-abc-123/usr/bin"));
    Files.writeString(stale.resolve("half"), "x");
    new LayerCache(layers, UnpackLimits.defaults());
    assertThat(layers).isEmptyDirectory();
  }

  @Test
  void limits_validate() {
    assertThatThrownBy(() -> new UnpackLimits(0, 1))
        .hasMessage("maxExpandedBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> new UnpackLimits(1, -1)).hasMessage("maxEntries: -1 (expected: > 0)");
  }

  private Path sentinel() throws IOException {
    return Files.createDirectories(tmp.resolve("sentinel"));
  }

  private Path blob(byte[] bytes) throws IOException {
    Path p = Files.createTempFile(tmp, "blob", "");
    Files.write(p, bytes);
    return p;
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
