package dev.shoal.agent.unpack;

import com.github.luben.zstd.Zstd;
import dev.shoal.core.digest.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tar archives for tests, including ones no honest tool would write (absolute names, {@code
 * ..}, device nodes). Names or link targets longer than 100 bytes get a PAX header, or a GNU {@code
 * L}/{@code K} record when {@link #gnuLongNames} is set.
 */
final class TarBuilder {
  static final long MTIME = 1_700_000_000L;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private boolean gnuLongNames;

  TarBuilder gnuLongNames() {
    gnuLongNames = true;
    return this;
  }

  TarBuilder dir(String name) {
    return entry(name, '5', 0755, 0, 0, "", new byte[0]);
  }

  TarBuilder dir(String name, int mode) {
    return entry(name, '5', mode, 0, 0, "", new byte[0]);
  }

  TarBuilder file(String name, String content) {
    return file(name, 0644, content);
  }

  TarBuilder file(String name, int mode, String content) {
    return entry(name, '0', mode, 0, 0, "", content.getBytes(StandardCharsets.UTF_8));
  }

  TarBuilder symlink(String name, String target) {
    return entry(name, '2', 0777, 0, 0, target, new byte[0]);
  }

  TarBuilder hardLink(String name, String target) {
    return entry(name, '1', 0644, 0, 0, target, new byte[0]);
  }

  /** Any entry: typeflag as in POSIX ustar ('0' file, '1' link, '2' symlink, '3' char, …). */
  TarBuilder entry(
      String name, char type, int mode, long uid, long gid, String link, byte[] content) {
    if (utf8(name).length > 100) {
      longName('L', "path", name);
    }
    if (utf8(link).length > 100) {
      longName('K', "linkpath", link);
    }
    out.writeBytes(header(name, type, mode, uid, gid, content.length, link));
    out.writeBytes(content);
    pad(content.length);
    return this;
  }

  /** The archive with its two zero end blocks. */
  byte[] build() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  static Digest diffId(byte[] tar) {
    return Digest.sha256Of(tar);
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static byte[] zstd(byte[] data) {
    return Zstd.compress(data, 3);
  }

  private void longName(char gnuType, String paxKey, String value) {
    if (gnuLongNames) {
      byte[] v = (value + "\0").getBytes(StandardCharsets.UTF_8);
      out.writeBytes(header("././@LongLink", gnuType, 0, 0, 0, v.length, ""));
      out.writeBytes(v);
      pad(v.length);
      return;
    }
    String body = " " + paxKey + "=" + value + "\n";
    int len = utf8(body).length;
    int total = len + Integer.toString(len).length();
    if (Integer.toString(total).length() != Integer.toString(len).length()) {
      total++;
    }
    byte[] record = (total + body).getBytes(StandardCharsets.UTF_8);
    out.writeBytes(header("PaxHeader", 'x', 0644, 0, 0, record.length, ""));
    out.writeBytes(record);
    pad(record.length);
  }

  private static byte[] header(
      String name, char type, int mode, long uid, long gid, long size, String link) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, MTIME);
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 8);
    return h;
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = utf8(s);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = String.format("%0" + (len - 1) + "o", v);
    put(h, off, len - 1, s);
  }

  private void pad(long n) {
    out.writeBytes(new byte[(int) ((512 - n % 512) % 512)]);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
