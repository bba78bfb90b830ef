package dev.shoal.agent.fetch;

/**
 * The piece size of a blob: at least 256 KiB, growing in powers of two so that a blob has at most
 * about 1024 pieces, up to 16 MiB.
 *
 * <p>Small pieces start a swarm sooner (no peer can send a piece before its reader has all of it)
 * and end it sooner (the last pieces are small); every piece costs an index write, a call and a
 * hash. In the four-host benchmark (bench/README.md) 256 KiB pieces made a rollout 1.21 times the
 * link bound, 512 KiB 1.23 and 1 MiB 1.33, at the same CPU time per MiB.
 */
public final class PieceSizes {
  /**
   * The smallest piece. {@code -Dshoal.pieceSizeMin=BYTES} (a power of two) changes it for
   * measurements only: every agent of a swarm must use the same value, or their pieces differ
   * (agents skip holders whose piece size differs from theirs).
   */
  static final int MIN = Integer.getInteger("shoal.pieceSizeMin", 256 << 10);

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
