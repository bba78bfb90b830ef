package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar stream: what GNU tar and our own reader see in it. */
class TarWriterTest {
  @TempDir Path tmp;

  private static final String LONG =
      "app/lib/" + "very-long-directory-name/".repeat(5) + "dépendance-1.0.jar";

  private byte[] sample() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter tar = new TarWriter(bytes, 1_600_000_000L)) {
      tar.directory("app", 0755);
      byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
      tar.file("app/hello.txt", 0644, content.length, new ByteArrayInputStream(content));
      tar.file(LONG, 0755, content.length, new ByteArrayInputStream(content));
      tar.symlink("app/current", "../" + LONG);
    }
    return bytes.toByteArray();
  }

  @Test
  void longAndNonAsciiNames_goThroughPaxRecords() throws IOException {
    assertThat(Tar.list(sample()))
        .containsExactly(
            "d 755 0 0 app/ 1600000000",
            "- 644 0 0 app/hello.txt 1600000000",
            "- 755 0 0 " + LONG + " 1600000000",
            "l 777 0 0 app/current 1600000000 -> ../" + LONG);
  }

  @Test
  void gnuTar_readsIt() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")),
        "tar is not installed");
    Path file = tmp.resolve("layer.tar");
    Files.write(file, sample());
    Process p =
        new ProcessBuilder("tar", "--numeric-owner", "--full-time", "-tvf", file.toString())
            .redirectErrorStream(true)
            .start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(listing).isZero();
    assertThat(listing.lines().toList())
        .hasSize(4)
        .allMatch(
            l -> l.contains(" 0/0 ") && l.contains("2020-09-13"), "owner 0/0, time 2020-09-13");
    assertThat(listing).contains(LONG).contains("app/current -> ../" + LONG);
  }

  @Test
  void archive_isWholeBlocksEndingInTwoZeroBlocks() throws IOException {
    byte[] tar = sample();
    assertThat(tar.length % 512).isZero();
    byte[] end = java.util.Arrays.copyOfRange(tar, tar.length - 1024, tar.length);
    assertThat(end).containsOnly((byte) 0);
  }

  @Test
  void paxRecord_countsItsOwnLength() {
    for (String value : List.of("a", "x".repeat(90), "x".repeat(93), "x".repeat(994))) {
      String r = TarWriter.record("path", value);
      int len = Integer.parseInt(r.substring(0, r.indexOf(' ')));
      assertThat(r.getBytes(StandardCharsets.UTF_8)).hasSize(len);
    }
  }
}
