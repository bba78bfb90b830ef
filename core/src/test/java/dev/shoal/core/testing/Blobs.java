package dev.shoal.core.testing;

import dev.shoal.core.digest.Digest;
import java.util.Random;

/** Deterministic blob contents for tests and benchmarks. */
public final class Blobs {
  private Blobs() {}

  /** {@code size} pseudo-random bytes; the same seed always gives the same bytes. */
  public static byte[] random(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  public static Digest digestOf(byte[] bytes) {
    return Digest.sha256Of(bytes);
  }
}
