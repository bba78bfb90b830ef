package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reproducible layers: what a rebuild on another machine, or of a changed file, gives. */
class LayerWriterTest {
  @TempDir Path tmp;

  /** An application as a build leaves it: a folder of jars and a folder of classes. */
  private Path app(String name, String greeting, String perms, Instant mtime) throws IOException {
    Path root = Files.createDirectories(tmp.resolve(name));
    Path lib = Files.createDirectories(root.resolve("lib"));
    Files.writeString(lib.resolve("b-dep.jar"), "dependency b");
    Files.writeString(lib.resolve("a-dep.jar"), "dependency a");
    Path classes = Files.createDirectories(root.resolve("classes/dev/demo"));
    Files.writeString(classes.resolve("Main.class"), greeting);
    Path script = root.resolve("classes/run.sh");
    Files.writeString(script, "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(
        script, PosixFilePermissions.fromString("rwx" + perms.substring(3)));
    Files.setPosixFilePermissions(
        classes.resolve("Main.class"), PosixFilePermissions.fromString(perms));
    try (var files = Files.walk(root)) {
      for (Path p : files.toList()) {
        Files.setLastModifiedTime(p, FileTime.from(mtime));
      }
    }
    return root;
  }

  private Image build(Path root, long epoch) throws IOException {
    Path work = Files.createDirectories(tmp.resolve("work-" + root.getFileName()));
    BuildSpec spec =
        new BuildSpec(
            List.of(
                AddSpec.parse(root.resolve("lib") + ":/app/lib"),
                AddSpec.parse(root.resolve("classes") + ":/app/classes")),
            List.of("/app/classes/run.sh"),
            null,
            List.of(),
            null,
            java.util.Map.of(),
            epoch);
    return ImageBuilder.build(
        BaseImage.scratch(dev.shoal.core.oci.Platform.of("linux", "amd64")), spec, work);
  }

  @Test
  void sameInputs_inOtherDirsWithOtherTimesAndModes_giveTheSameDigests() throws IOException {
    Image first = build(app("one", "v1", "rw-r--r--", Instant.parse("2024-01-02T03:04:05Z")), 0);
    Image second = build(app("two", "v1", "rw-rw----", Instant.parse("2025-06-07T08:09:10Z")), 0);

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(layerDigests(second)).isEqualTo(layerDigests(first));
    assertThat(Files.readAllBytes(second.layers().get(1).file()))
        .isEqualTo(Files.readAllBytes(first.layers().get(1).file()));
  }

  @Test
  void changingOneFile_changesOnlyItsLayer() throws IOException {
    Instant t = Instant.parse("2024-01-02T03:04:05Z");
    Image before = build(app("before", "v1", "rw-r--r--", t), 0);
    Image after = build(app("after", "v2", "rw-r--r--", t), 0);

    assertThat(layerDigests(after).get(0)).isEqualTo(layerDigests(before).get(0));
    assertThat(layerDigests(after).get(1)).isNotEqualTo(layerDigests(before).get(1));
    assertThat(after.digest()).isNotEqualTo(before.digest());
  }

  @Test
  void sourceDateEpoch_isEveryEntrysTime() throws IOException {
    Path root = app("epoch", "v1", "rw-r--r--", Instant.now());
    Image zero = build(root, 0);
    Image later = build(root, 1_700_000_000L);

    assertThat(layerDigests(later)).doesNotContainAnyElementsOf(layerDigests(zero));
    List<String> listing = Tar.list(gunzip(later.layers().get(1).file()));
    assertThat(listing).isNotEmpty().allMatch(l -> l.endsWith(" 1700000000"), "mtime 1700000000");
  }

  @Test
  void layer_isSortedWithParentsNormalisedModesAndNoOwners() throws IOException {
    Image image = build(app("modes", "v1", "rw-rw-rw-", Instant.now()), 0);
    List<String> lib = Tar.list(gunzip(image.layers().get(0).file()));
    List<String> classes = Tar.list(gunzip(image.layers().get(1).file()));

    assertThat(lib)
        .containsExactly(
            "d 755 0 0 app/ 0",
            "d 755 0 0 app/lib/ 0",
            "- 644 0 0 app/lib/a-dep.jar 0",
            "- 644 0 0 app/lib/b-dep.jar 0");
    assertThat(classes)
        .containsExactly(
            "d 755 0 0 app/ 0",
            "d 755 0 0 app/classes/ 0",
            "d 755 0 0 app/classes/dev/ 0",
            "d 755 0 0 app/classes/dev/demo/ 0",
            "- 644 0 0 app/classes/dev/demo/Main.class 0",
            "- 755 0 0 app/classes/run.sh 0");
  }

  @Test
  void gzip_hasAFixedHeader_andDecompressesToTheDiffIdsTar() throws IOException {
    Path file = tmp.resolve("app.jar");
    Files.writeString(file, "jar bytes");
    BuiltLayer layer = LayerWriter.write(AddSpec.parse(file + ":/app/"), 0, tmp);

    byte[] gz = Files.readAllBytes(layer.file());
    // magic, deflate, no flags, mtime 0, no extra flags, OS 255 (unknown)
    assertThat(java.util.Arrays.copyOf(gz, 10))
        .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    byte[] tar = gunzip(layer.file());
    assertThat(Digest.sha256Of(tar)).isEqualTo(layer.diffId());
    assertThat(Digest.sha256Of(gz)).isEqualTo(layer.descriptor().digest());
    assertThat(Tar.list(tar)).containsExactly("d 755 0 0 app/ 0", "- 644 0 0 app/app.jar 0");
  }

  @Test
  void symlinks_stayLinks() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("links"));
    Files.writeString(root.resolve("app-1.2.jar"), "jar");
    Files.createSymbolicLink(root.resolve("app.jar"), Path.of("app-1.2.jar"));
    BuiltLayer layer = LayerWriter.write(AddSpec.parse(root + ":/opt"), 0, tmp);

    assertThat(Tar.list(gunzip(layer.file())))
        .containsExactly(
            "d 755 0 0 opt/ 0",
            "- 644 0 0 opt/app-1.2.jar 0",
            "l 777 0 0 opt/app.jar 0 -> app-1.2.jar");
  }

  @Test
  void missingSource_saysWhichPath() {
    assertThatThrownBy(() -> LayerWriter.write(AddSpec.parse("no/such.jar:/app/"), 0, tmp))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no/such.jar does not exist");
  }

  private static List<Digest> layerDigests(Image image) {
    return image.layers().stream().map(l -> l.descriptor().digest()).toList();
  }

  static byte[] gunzip(Path file) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      return in.readAllBytes();
    }
  }
}
