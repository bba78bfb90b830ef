package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key encoding of the metadata column families (see {@code shoal/index/v1/origin.proto}): UTF-8
 * parts joined by a zero byte, so every query is a prefix scan; event cursors are big-endian so
 * that byte order is numeric order.
 */
final class MetaKeys {
  static final byte SEP = 0;

  private MetaKeys() {}

  /** The parts joined by {@link #SEP}. */
  static byte[] key(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.write(SEP);
      }
      byte[] b = String.valueOf(parts[i]).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  /** The parts joined by {@link #SEP}, followed by one: the prefix of every key under them. */
  static byte[] prefix(Object... parts) {
    byte[] k = key(parts);
    byte[] p = Arrays.copyOf(k, k.length + 1);
    p[k.length] = SEP;
    return p;
  }

  /** The UTF-8 text of {@code key} after {@code prefix}. */
  static String rest(byte[] key, byte[] prefix) {
    return new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
  }

  /** The last part of a key, a digest. */
  static Digest lastDigest(byte[] key) {
    int i = key.length - 1;
    while (i >= 0 && key[i] != SEP) {
      i--;
    }
    return Digest.parse(new String(key, i + 1, key.length - i - 1, StandardCharsets.UTF_8));
  }

  static String text(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  static byte[] cursor(long cursor) {
    return ByteBuffer.allocate(Long.BYTES).putLong(cursor).array();
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
