package dev.shoal.core.digest;

import java.io.IOException;

/** Bytes did not hash to the digest they were announced under. Names both. */
public final class DigestMismatchException extends IOException {
  private final Digest expected;
  private final Digest actual;

  public DigestMismatchException(Digest expected, Digest actual, long size) {
    super("digest mismatch: expected " + expected + " but " + size + " bytes hash to " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  public Digest expected() {
    return expected;
  }

  public Digest actual() {
    return actual;
  }
}
