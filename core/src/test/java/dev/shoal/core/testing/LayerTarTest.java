package dev.shoal.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shoal.core.digest.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test layer fixture is a tar archive GNU tar extracts as written. */
class LayerTarTest {
  private static final Path TAR = Path.of("/usr/bin/tar");

  @TempDir Path dir;

  @Test
  void gnuTarExtractsFilesDirectoriesAndWhiteouts() throws Exception {
    assumeTrue(Files.isExecutable(TAR), "GNU tar is part of every Debian system");
    LayerTar layer =
        new LayerTar()
            .dir("etc")
            .file("etc/motd", "hello\n")
            .file("etc/" + "n".repeat(90), "")
            .whiteout("etc/old.conf");
    Path archive = dir.resolve("layer.tar.gz");
    Files.write(archive, layer.gzip());
    Path out = Files.createDirectory(dir.resolve("out"));

    Process p =
        new ProcessBuilder(TAR.toString(), "-xzf", archive.toString(), "-C", out.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("tar.log").toFile())
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("tar.log"))).isZero();

    assertThat(out.resolve("etc/motd")).hasContent("hello");
    assertThat(out.resolve("etc/" + "n".repeat(90))).exists().isEmptyFile();
    assertThat(out.resolve("etc/.wh.old.conf")).exists();
    assertThat(layer.diffId()).isEqualTo(Digest.sha256Of(layer.tar()));
    assertThat(layer.tar().length % 512).isZero();
  }
}
