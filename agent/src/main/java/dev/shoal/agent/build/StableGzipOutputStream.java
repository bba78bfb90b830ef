package dev.shoal.agent.build;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip (RFC 1952) whose bytes depend only on the input: the header has no file name, modification
 * time 0, no extra flags and the OS byte 255 ("unknown"); the body is raw deflate at a fixed level.
 *
 * <p>Why the bytes are the same on every machine: {@link Deflater} is zlib, and zlib's output for
 * one input and one level (with the default strategy, window and memory level) does not depend on
 * how the input is split into calls. The stock zlib the JDK bundles or links has produced the same
 * deflate stream for years; a JDK built against a different deflate implementation (zlib-ng,
 * Intel's or Cloudflare's forks) would compress differently, which changes layer digests but never
 * diff ids. {@code LayerWriterTest} builds the same layer twice and compares the bytes.
 */
final class StableGzipOutputStream extends FilterOutputStream {
  /** zlib's default level: a fixed number rather than "default", which a JDK could redefine. */
  static final int LEVEL = 6;

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final Deflater deflater = new Deflater(LEVEL, true);
  private final CRC32 crc = new CRC32();
  private final byte[] buffer = new byte[64 << 10];
  private long length;
  private boolean finished;

  StableGzipOutputStream(OutputStream out) throws IOException {
    super(out);
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    crc.update(b, off, len);
    length += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      drain();
    }
  }

  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      deflater.finish();
      while (!deflater.finished()) {
        drain();
      }
      byte[] trailer = new byte[8];
      littleEndian(trailer, 0, crc.getValue());
      littleEndian(trailer, 4, length);
      out.write(trailer);
    } finally {
      deflater.end();
      out.close();
    }
  }

  private void drain() throws IOException {
    int n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
    if (n > 0) {
      out.write(buffer, 0, n);
    }
  }

  /** The low 32 bits of {@code value}, least significant byte first (RFC 1952 CRC32 and ISIZE). */
  private static void littleEndian(byte[] b, int at, long value) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
