package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a tar stream the same way every time (POSIX.1-2001 "pax Interchange Format": ustar
 * headers, with a pax extended header only for names, link targets or sizes that ustar cannot
 * hold). The caller decides the entries and their order; this class fixes everything else: owner
 * and group 0 with empty names, the given modification time, no device numbers.
 */
final class TarWriter implements AutoCloseable {
  private static final int BLOCK = 512;
  private static final int NAME_LENGTH = 100;
  private static final long MAX_USTAR_SIZE = 077777777777L;
  private static final byte[] ZEROS = new byte[BLOCK];

  private final OutputStream out;
  private final long mtime;
  private long written;
  private boolean closed;

  /**
   * @param out where the tar goes; closed with this writer
   * @param mtime seconds since the epoch written as every entry's modification time
   */
  TarWriter(OutputStream out, long mtime) {
    this.out = requireNonNull(out, "out");
    if (mtime < 0 || mtime > MAX_USTAR_SIZE) {
      throw new IllegalArgumentException(
          "mtime: " + mtime + " (expected: 0 to " + MAX_USTAR_SIZE + ")");
    }
    this.mtime = mtime;
  }

  /** A directory; {@code name} is relative, without a trailing slash. */
  void directory(String name, int mode) throws IOException {
    header(name + "/", mode, 0, '5', "");
  }

  /** A symbolic link to {@code target}, kept as it is. */
  void symlink(String name, String target) throws IOException {
    header(name, 0777, 0, '2', requireNonNull(target, "target"));
  }

  /** A regular file of exactly {@code size} bytes read from {@code content}. */
  void file(String name, int mode, long size, InputStream content) throws IOException {
    header(name, mode, size, '0', "");
    byte[] buffer = new byte[64 << 10];
    long left = size;
    while (left > 0) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException(
            name + ": the file shrank while being read (expected " + size + " bytes)");
      }
      write(buffer, 0, n);
      left -= n;
    }
    pad();
  }

  /** Bytes written so far. */
  long written() {
    return written;
  }

  /** Writes the end-of-archive marker (two zero blocks) and closes the stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (out) {
      write(ZEROS, 0, BLOCK);
      write(ZEROS, 0, BLOCK);
    }
  }

  private void header(String name, int mode, long size, char type, String link) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
    StringBuilder pax = new StringBuilder();
    if (nameBytes.length > NAME_LENGTH || !isAscii(name)) {
      pax.append(record("path", name));
    }
    if (linkBytes.length > NAME_LENGTH || !isAscii(link)) {
      pax.append(record("linkpath", link));
    }
    if (size > MAX_USTAR_SIZE) {
      pax.append(record("size", Long.toString(size)));
    }
    if (pax.length() > 0) {
      byte[] body = pax.toString().getBytes(StandardCharsets.UTF_8);
      write(block("././@PaxHeader", 0644, body.length, 'x', new byte[0]), 0, BLOCK);
      write(body, 0, body.length);
      pad();
    }
    write(block(name, mode, Math.min(size, MAX_USTAR_SIZE), type, linkBytes), 0, BLOCK);
  }

  private byte[] block(String name, int mode, long size, char type, byte[] link) {
    byte[] h = new byte[BLOCK];
    put(h, 0, NAME_LENGTH, ascii(name));
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 157, NAME_LENGTH, Arrays.copyOf(link, Math.min(link.length, NAME_LENGTH)));
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    octal(h, 329, 8, 0);
    octal(h, 337, 8, 0);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    // Six octal digits, NUL, space: the form every tar writes and reads.
    byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    put(h, 148, 6, digits);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  /** The name as ustar holds it: ASCII, cut at 100 bytes (the pax header has the whole name). */
  private static byte[] ascii(String s) {
    byte[] b = s.replaceAll("[^\\x20-\\x7e]", "_").getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(b, Math.min(b.length, NAME_LENGTH));
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
  }

  /** One pax record, {@code "LEN key=value\n"}, where LEN counts its own digits too. */
  static String record(String key, String value) {
    int rest = 1 + key.length() + 1 + value.getBytes(StandardCharsets.UTF_8).length + 1;
    int len = rest + Integer.toString(rest).length();
    if (Integer.toString(len).length() > Integer.toString(rest).length()) {
      len++;
    }
    return len + " " + key + "=" + value + "\n";
  }

  private static void put(byte[] h, int at, int max, byte[] value) {
    System.arraycopy(value, 0, h, at, Math.min(max, value.length));
  }

  /** Zero-padded octal digits filling the field but its last byte, which stays NUL. */
  private static void octal(byte[] h, int at, int width, long value) {
    String s = Long.toOctalString(value);
    String padded = "0".repeat(width - 1 - s.length()) + s;
    put(h, at, width - 1, padded.getBytes(StandardCharsets.US_ASCII));
  }

  private void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written += len;
  }

  private void pad() throws IOException {
    int rest = (int) (written % BLOCK);
    if (rest != 0) {
      write(ZEROS, 0, BLOCK - rest);
    }
  }
}
