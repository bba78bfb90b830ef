package dev.shoal.core.testing;

import dev.shoal.core.digest.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * A real image layer for tests: a tar archive in the ustar interchange format (POSIX {@code pax},
 * "ustar Interchange Format") of directories, files and OCI whiteouts (image spec "Image Layer
 * Filesystem Changeset", {@code .wh.} files), and its gzip. Same entries, same bytes: times and
 * owners are fixed.
 */
public final class LayerTar {
  private static final int BLOCK = 512;
  private static final long MTIME = 1_700_000_000L;

  private final ByteArrayOutputStream tar = new ByteArrayOutputStream();
  private boolean finished;

  /** A directory entry; {@code path} is relative, like {@code etc/app}. */
  public LayerTar dir(String path) {
    entry(path.endsWith("/") ? path : path + "/", '5', 0755, new byte[0]);
    return this;
  }

  /** A regular file with mode 0644. */
  public LayerTar file(String path, String content) {
    entry(path, '0', 0644, content.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Deletes {@code path} of the layers below: an empty file {@code .wh.<name>} beside it. */
  public LayerTar whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String whiteout = path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    entry(whiteout, '0', 0644, new byte[0]);
    return this;
  }

  /** The uncompressed archive, ended by its two zero blocks; no entry may follow. */
  public byte[] tar() {
    if (!finished) {
      tar.writeBytes(new byte[2 * BLOCK]);
      finished = true;
    }
    return tar.toByteArray();
  }

  /** The layer's diff id: the SHA-256 of the uncompressed archive. */
  public Digest diffId() {
    return Digest.sha256Of(tar());
  }

  /** The archive gzipped, as a {@code tar+gzip} layer blob. */
  public byte[] gzip() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(tar());
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
    if (nameBytes.length > 100 || name.startsWith("/")) {
      throw new IllegalArgumentException("name: " + name + " (expected: relative, <= 100 bytes)");
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
    // The checksum is taken with its own field read as eight spaces.
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chksum = String.format("%06o", sum);
    ascii(h, 148, chksum + "\0 ");
    tar.writeBytes(h);
    tar.writeBytes(content);
    int pad = (BLOCK - content.length % BLOCK) % BLOCK;
    tar.writeBytes(new byte[pad]);
  }

  /** {@code value} in octal, zero-padded, NUL-terminated, filling {@code width} bytes. */
  private static void octal(byte[] h, int offset, int width, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(width - 1 - digits.length()) + digits + "\0";
    ascii(h, offset, padded);
  }

  private static void ascii(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, b.length);
  }
}
