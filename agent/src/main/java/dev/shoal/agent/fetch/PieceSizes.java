package dev.shoal.agent.fetch;

/**
 * The piece size of a blob: at least 1 MiB, so that per-piece costs (an fsync, an index write, a
 * notification) stay small against the bytes, and growing in powers of two so that a blob has at
 * most about 1024 pieces, up to 16 MiB.
 */
public final class PieceSizes {
  /**
   * The smallest piece. {@code -Dshoal.pieceSizeMin=BYTES} (a power of two) changes it for
   * measurements only: every agent of a swarm must use the same value, or their pieces differ.
   */
  static final int MIN = Integer.getInteger("shoal.pieceSizeMin", 1 << 20);

  static final int MAX = Math.max(MIN, 16 << 20);
  static final int TARGET_PIECES = 1024;

  private PieceSizes() {}

  /**
   * @throws IllegalArgumentException for a negative size
   */
  public static int forSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    // Rounded up without adding first: size + 1023 overflows for sizes near Long.MAX_VALUE.
    long wanted = size / TARGET_PIECES + (size % TARGET_PIECES == 0 ? 0 : 1);
    long piece = MIN;
    while (piece < wanted && piece < MAX) {
      piece <<= 1;
    }
    return (int) piece;
  }
}
