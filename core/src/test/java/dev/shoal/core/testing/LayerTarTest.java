package dev.shoal.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures' tar writer writes archives GNU tar extracts as written. */
class LayerTarTest {
  private static final Path TAR = Path.of("/usr/bin/tar");

  @TempDir Path dir;

  @Test
  void gnuTarExtractsFilesDirectoriesAndWhiteouts() throws Exception {
    assumeTrue(Files.isExecutable(TAR), "GNU tar is part of every Debian system");
    LayerTar layer =
        new LayerTar()
            .dir("etc")
            .file("etc/motd", 0644, LayeredImage.utf8("hello\n"))
            .file("etc/" + "n".repeat(90), 0644, new byte[0])
            .whiteout("etc/old.conf");
    Path archive = dir.resolve("layer.tar.gz");
    Files.write(archive, LayerTar.gzip(layer.tar()));
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
    assertThat(layer.tar().length % 512).isZero();
  }

  @Test
  void header_hasAValidChecksum() {
    byte[] tar = new LayerTar().file("a.txt", 0644, new byte[] {1, 2, 3}).tar();
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : tar[i] & 0xff;
    }
    String field = new String(tar, 148, 6, StandardCharsets.US_ASCII);
    assertThat(Long.parseLong(field, 8)).isEqualTo(sum);
    assertThat(new String(tar, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
  }
}
