package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The gzip of a layer depends on its bytes only, not on how they were handed over. */
class StableGzipOutputStreamTest {
  /** Compressible but not trivial: words from a small vocabulary, like source and class files. */
  private static byte[] content() {
    String[] words = {"class ", "public ", "static ", "void ", "main", "(", ")", "{", "}\n", "x"};
    Random random = new Random(7);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 3 << 20) {
      sb.append(words[random.nextInt(words.length)]);
    }
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static byte[] gzip(byte[] data, int chunk) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StableGzipOutputStream gz = new StableGzipOutputStream(bytes)) {
      for (int at = 0; at < data.length; at += chunk) {
        gz.write(data, at, Math.min(chunk, data.length - at));
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void sameBytes_whateverTheWriteSizes() throws IOException {
    byte[] data = content();
    byte[] whole = gzip(data, data.length);

    assertThat(gzip(data, 1 << 16)).isEqualTo(whole);
    assertThat(gzip(data, 4099)).isEqualTo(whole);
    assertThat(gzip(data, 1 << 20)).isEqualTo(whole);
    assertThat(whole.length).isLessThan(data.length / 2);
  }

  @Test
  void anyGzipReaderGetsTheBytesBack() throws IOException {
    byte[] data = content();
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip(data, 5000)))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }
}
