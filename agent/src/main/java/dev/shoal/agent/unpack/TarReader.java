package dev.shoal.agent.unpack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads a tar stream entry by entry: POSIX ustar (IEEE 1003.1-1988), PAX extended headers (IEEE
 * 1003.1-2001 "pax Header Block": {@code path}, {@code linkpath}, {@code size}, {@code uid}, {@code
 * gid}, {@code mtime}) and the GNU long-name records {@code L} and {@code K}, with octal or GNU
 * base-256 numbers.
 *
 * <p>Shoal reads tar itself rather than through commons-compress because what it must refuse is
 * part of the format: sparse files, multi-volume and other vendor types, PAX records the unpacker
 * cannot honour, oversized headers. Here every accepted construct is listed in one class of a few
 * hundred lines, and the byte counts that bound a decompression bomb are exact, since every byte of
 * the stream passes through {@link #readFully}. PAX global headers ({@code g}) are read and
 * ignored: image builders do not write them, and a global {@code path} would have no meaning.
 *
 * <p>Not thread-safe; one reader per stream.
 */
final class TarReader {
  private static final int BLOCK = 512;

  /** The largest PAX header or GNU long name accepted; real ones are a few hundred bytes. */
  private static final int MAX_META = 1 << 20;

  private final InputStream in;
  private final UnpackLimits limits;
  private final byte[] header = new byte[BLOCK];
  private long consumed;
  private long entries;
  private long remaining;
  private long padding;
  private String current;
  private boolean ended;

  TarReader(InputStream in, UnpackLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** The next entry, or null at the end of the archive; skips what was left of the previous one. */
  TarEntry next() throws IOException {
    skipRest();
    if (ended) {
      return null;
    }
    Map<String, String> pax = null;
    String longName = null;
    String longLink = null;
    while (true) {
      if (!readBlock(header)) {
        throw new BadEntryException(null, "the tar ends without its end-of-archive blocks");
      }
      if (isZero(header)) {
        ended = true;
        return null;
      }
      String rawName = string(header, 0, 100);
      current = longName != null ? longName : rawName;
      checkChecksum();
      char flag = (char) header[156];
      long size = number(header, 124, 12, "size");
      if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
        byte[] meta = readMeta(size);
        switch (flag) {
          case 'x' -> pax = PaxRecords.parse(meta, current);
          case 'L' -> longName = cString(meta);
          case 'K' -> longLink = cString(meta);
          default -> {
            // A global header: see the class comment.
          }
        }
        continue;
      }
      if (++entries > limits.maxEntries()) {
        throw new BadEntryException(
            current,
            "the layer has more than " + limits.maxEntries() + " entries (the limit; maxEntries)");
      }
      return entry(flag, size, pax, longName, longLink);
    }
  }

  /** The content of the entry last returned by {@link #next}; reads at most its size. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new EOFException("the tar ends inside the content of " + current);
        }
        remaining -= n;
        consumed += n;
        return n;
      }
    };
  }

  /** Reads what follows the end-of-archive blocks, so that a hash of the stream covers it all. */
  void drain() throws IOException {
    byte[] buf = new byte[8192];
    while (readSome(buf) > 0) {
      // Discarded: only its hash (taken below this reader) matters.
    }
  }

  /** Uncompressed bytes read so far. */
  long consumed() {
    return consumed;
  }

  private TarEntry entry(
      char flag, long headerSize, Map<String, String> pax, String longName, String longLink)
      throws IOException {
    boolean ustar = string(header, 257, 6).equals("ustar");
    boolean posix = ustar && header[262] == 0; // "ustar\0"; GNU writes "ustar  \0" and no prefix.
    String name = string(header, 0, 100);
    if (posix && header[345] != 0) {
      name = string(header, 345, 155) + "/" + name;
    }
    if (longName != null) {
      name = longName;
    }
    String link = longLink != null ? longLink : string(header, 157, 100);
    long size = headerSize;
    long uid = number(header, 108, 8, "uid");
    long gid = number(header, 116, 8, "gid");
    long mtime = number(header, 136, 12, "mtime");
    if (pax != null) {
      for (Map.Entry<String, String> e : pax.entrySet()) {
        String key = e.getKey();
        String value = e.getValue();
        switch (key) {
          case "path" -> name = value;
          case "linkpath" -> link = value;
          case "size" -> size = PaxRecords.number(key, value, name);
          case "uid" -> uid = PaxRecords.number(key, value, name);
          case "gid" -> gid = PaxRecords.number(key, value, name);
          case "mtime" -> mtime = PaxRecords.number(key, value.split("\\.", 2)[0], name);
          default -> {
            if (key.startsWith("GNU.sparse.")) {
              throw new BadEntryException(name, "sparse files are not supported");
            }
            // Others (atime, ctime, uname, gname, comment, SCHILY.xattr.*) are not applied.
          }
        }
      }
    }
    current = name;
    TarEntry.Type type =
        switch (flag) {
          case '0', '\0', '7' -> name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
          case '1' -> TarEntry.Type.HARD_LINK;
          case '2' -> TarEntry.Type.SYMLINK;
          case '3' -> TarEntry.Type.CHAR_DEVICE;
          case '4' -> TarEntry.Type.BLOCK_DEVICE;
          case '5' -> TarEntry.Type.DIRECTORY;
          case '6' -> TarEntry.Type.FIFO;
          default ->
              throw new BadEntryException(
                  name,
                  "tar entry type "
                      + LayerRejectedException.quote("" + flag)
                      + " is not supported");
        };
    if (type != TarEntry.Type.FILE) {
      size =
          0; // Header-only types: a size there announces no content (as Go's archive/tar reads it).
    }
    if (size < 0) {
      throw new BadEntryException(name, "negative size " + size);
    }
    admit(size, name);
    remaining = size;
    padding = (BLOCK - size % BLOCK) % BLOCK;
    int mode = (int) (number(header, 100, 8, "mode") & 07777);
    return new TarEntry(
        name,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        link,
        number(header, 329, 8, "devmajor"),
        number(header, 337, 8, "devminor"));
  }

  /** Refuses an entry whose content would take the stream past the expanded-size limit. */
  private void admit(long size, String name) throws BadEntryException {
    long padded = size + (BLOCK - size % BLOCK) % BLOCK;
    if (padded > limits.maxExpandedBytes() - consumed) {
      throw new BadEntryException(
          name,
          "the layer expands to more than "
              + limits.maxExpandedBytes()
              + " bytes (the limit; maxExpandedBytes)");
    }
  }

  private byte[] readMeta(long size) throws IOException {
    if (size < 0 || size > MAX_META) {
      throw new BadEntryException(
          current, "extended header of " + size + " bytes (expected: <= " + MAX_META + ")");
    }
    admit(size, current);
    byte[] meta = new byte[(int) size];
    if (!readFully(meta, meta.length)) {
      throw new BadEntryException(current, "the tar ends inside an extended header");
    }
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    if (!readFully(new byte[pad], pad)) {
      throw new BadEntryException(current, "the tar ends inside an extended header");
    }
    return meta;
  }

  private void checkChecksum() throws BadEntryException {
    long stored = number(header, 148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i >= 148 && i < 156 ? (byte) ' ' : header[i];
      unsigned += b & 0xff;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw new BadEntryException(
          current,
          "tar header checksum " + stored + " does not match the header (" + unsigned + ")");
    }
  }

  /** An octal field (NUL- or space-terminated), or GNU base-256 when the top bit is set. */
  private long number(byte[] h, int off, int len, String field) throws BadEntryException {
    if ((h[off] & 0x80) != 0) {
      if ((h[off] & 0x40) != 0) {
        throw new BadEntryException(current, "negative " + field + " in the tar header");
      }
      long n = h[off] & 0x3f;
      for (int i = 1; i < len; i++) {
        if ((n >>> 55) != 0) {
          throw new BadEntryException(current, field + " too large in the tar header");
        }
        n = (n << 8) | (h[off + i] & 0xff);
      }
      return n;
    }
    long n = 0;
    int i = off;
    int end = off + len;
    while (i < end && h[i] == ' ') {
      i++;
    }
    for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
      int d = h[i] - '0';
      if (d < 0 || d > 7 || (n >>> 60) != 0) {
        throw new BadEntryException(current, "malformed " + field + " in the tar header");
      }
      n = n * 8 + d;
    }
    return n;
  }

  private void skipRest() throws IOException {
    long left = remaining + padding;
    remaining = 0;
    padding = 0;
    byte[] buf = new byte[8192];
    while (left > 0) {
      int n = (int) Math.min(buf.length, left);
      if (!readFully(buf, n)) {
        throw new BadEntryException(current, "the tar ends inside the content of this entry");
      }
      left -= n;
    }
  }

  private boolean readBlock(byte[] b) throws IOException {
    if (consumed > limits.maxExpandedBytes() - BLOCK) {
      throw new BadEntryException(
          current,
          "the layer expands to more than "
              + limits.maxExpandedBytes()
              + " bytes (the limit; maxExpandedBytes)");
    }
    return readFully(b, BLOCK);
  }

  /** Reads exactly {@code n} bytes; false at a clean end of stream before the first byte. */
  private boolean readFully(byte[] b, int n) throws IOException {
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        if (off == 0) {
          return false;
        }
        throw new EOFException("the tar ends in the middle of a block");
      }
      off += r;
      consumed += r;
    }
    return true;
  }

  private int readSome(byte[] b) throws IOException {
    int r = in.read(b, 0, b.length);
    if (r > 0) {
      consumed += r;
      if (consumed > limits.maxExpandedBytes()) {
        throw new BadEntryException(
            null,
            "the layer expands to more than "
                + limits.maxExpandedBytes()
                + " bytes (the limit; maxExpandedBytes)");
      }
    }
    return r;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] b) {
    return string(b, 0, b.length);
  }
}
