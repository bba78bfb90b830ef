package dev.shoal.agent.unpack;

/**
 * Bounds on one layer's unpacking, the defence against decompression bombs: a layer whose
 * uncompressed tar is larger than {@code maxExpandedBytes} or that has more than {@code maxEntries}
 * entries is refused before the excess is written.
 *
 * @param maxExpandedBytes the largest uncompressed tar stream accepted, headers and padding
 *     included
 * @param maxEntries the most tar entries accepted (files, directories, links, whiteouts)
 */
public record UnpackLimits(long maxExpandedBytes, long maxEntries) {
  /** 64 GiB: larger than any real image layer seen, small enough to fail before a disk fills. */
  public static final long DEFAULT_MAX_EXPANDED_BYTES = 64L << 30;

  /** Two million entries: a full Debian with all of /usr/share/doc has well under 200,000. */
  public static final long DEFAULT_MAX_ENTRIES = 2_000_000;

  public UnpackLimits {
    if (maxExpandedBytes <= 0) {
      throw new IllegalArgumentException(
          "maxExpandedBytes: " + maxExpandedBytes + " (expected: > 0)");
    }
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: > 0)");
    }
  }

  public static UnpackLimits defaults() {
    return new UnpackLimits(DEFAULT_MAX_EXPANDED_BYTES, DEFAULT_MAX_ENTRIES);
  }
}
