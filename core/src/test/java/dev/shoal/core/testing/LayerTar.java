package dev.shoal.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * The one tar writer of the test fixtures, behind {@link LayeredImage}: an archive in the ustar
 * interchange format (POSIX {@code pax}, "ustar Interchange Format") of directories, regular files
 * and OCI whiteouts (image spec "Image Layer Filesystem Changeset", {@code .wh.} files). Same
 * entries, same bytes: times and owners are fixed.
 */
final class LayerTar {
  private static final int BLOCK = 512;
  private static final long MTIME = 1_700_000_000L;

  private final ByteArrayOutputStream tar = new ByteArrayOutputStream();
  private boolean finished;

  /** A directory entry with mode 0755; {@code path} is relative, like {@code etc/app}. */
  LayerTar dir(String path) {
    entry(path.endsWith("/") ? path : path + "/", '5', 0755, new byte[0]);
    return this;
  }

  /** A regular file. */
  LayerTar file(String path, int mode, byte[] content) {
    entry(path, '0', mode, content);
    return this;
  }

  /** Deletes {@code path} of the layers below: an empty file {@code .wh.<name>} beside it. */
  LayerTar whiteout(String path) {
    return file(whiteoutOf(path), 0644, new byte[0]);
  }

  /** The name of the whiteout entry that deletes {@code path}. */
  static String whiteoutOf(String path) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
  }

  /** The archive, ended by its two zero blocks; no entry may follow. */
  byte[] tar() {
    if (!finished) {
      tar.writeBytes(new byte[2 * BLOCK]);
      finished = true;
    }
    return tar.toByteArray();
  }

  /** {@code data} gzipped, as in a {@code tar+gzip} layer blob. */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // memory streams do not fail
    }
    return out.toByteArray();
  }

  private void entry(String name, char type, int mode, byte[] content) {
    if (finished) {
      throw new IllegalStateException("the archive is finished");
    }
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100 || name.startsWith("/") || name.contains("..")) {
      throw new IllegalArgumentException(
          "name: " + name + " (expected: relative, without .., <= 100 bytes)");
    }
    byte[] h = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, content.length);
    octal(h, 136, 12, MTIME);
    h[156] = (byte) type;
    ascii(h, 257, "ustar\0");
    ascii(h, 263, "00");
    ascii(h, 265, "root");
    ascii(h, 297, "root");
    // The checksum is taken with its own field read as eight spaces, then written as six octal
    // digits, a NUL and a space.
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    ascii(h, 148, String.format("%06o", sum) + "\0 ");
    tar.writeBytes(h);
    tar.writeBytes(content);
    tar.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
  }

  /** {@code value} in octal, zero-padded, NUL-terminated, filling {@code width} bytes. */
  private static void octal(byte[] h, int offset, int width, long value) {
    String digits = Long.toOctalString(value);
    ascii(h, offset, "0".repeat(width - 1 - digits.length()) + digits + "\0");
  }

  private static void ascii(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, b.length);
  }
}
