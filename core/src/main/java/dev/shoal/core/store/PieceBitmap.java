package dev.shoal.core.store;

import com.google.protobuf.ByteString;

/** Which pieces of a partial blob are held: bit {@code i % 8} of byte {@code i / 8} for piece i. */
final class PieceBitmap {
  private final byte[] bits;
  private final int count;

  private PieceBitmap(byte[] bits, int count) {
    this.bits = bits;
    this.count = count;
  }

  static PieceBitmap empty(int count) {
    return new PieceBitmap(new byte[(count + 7) / 8], count);
  }

  /**
   * Reads a stored bitmap; bits past {@code count} or a short array are tolerated as "not held".
   */
  static PieceBitmap of(ByteString stored, int count) {
    byte[] bits = new byte[(count + 7) / 8];
    stored.substring(0, Math.min(bits.length, stored.size())).copyTo(bits, 0);
    if (count % 8 != 0 && bits.length > 0) {
      bits[bits.length - 1] &= (byte) ((1 << (count % 8)) - 1);
    }
    return new PieceBitmap(bits, count);
  }

  static int pieceCount(long size, int pieceSize) {
    return size == 0 ? 0 : (int) ((size + pieceSize - 1) / pieceSize);
  }

  int count() {
    return count;
  }

  boolean has(int i) {
    return (bits[i >>> 3] & (1 << (i & 7))) != 0;
  }

  void set(int i) {
    bits[i >>> 3] |= (byte) (1 << (i & 7));
  }

  void clear(int i) {
    bits[i >>> 3] &= (byte) ~(1 << (i & 7));
  }

  int held() {
    int n = 0;
    for (byte b : bits) {
      n += Integer.bitCount(b & 0xff);
    }
    return n;
  }

  boolean full() {
    return held() == count;
  }

  ByteString toByteString() {
    return ByteString.copyFrom(bits);
  }
}
