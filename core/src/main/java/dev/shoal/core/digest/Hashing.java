package dev.shoal.core.digest;

import java.security.MessageDigest;

/** A running digest computation: feed it bytes, then ask for the {@link Digest}. */
public final class Hashing {
  private final DigestAlgorithm algorithm;
  private final MessageDigest hasher;
  private long count;

  public Hashing(DigestAlgorithm algorithm) {
    this.algorithm = algorithm;
    this.hasher = algorithm.newHasher();
  }

  public void update(byte[] b, int off, int len) {
    hasher.update(b, off, len);
    count += len;
  }

  public void update(java.nio.ByteBuffer buf) {
    count += buf.remaining();
    hasher.update(buf);
  }

  /** Bytes hashed so far. */
  public long count() {
    return count;
  }

  /** Finishes the computation; the instance must not be used afterwards. */
  public Digest digest() {
    return Digest.of(algorithm, hasher.digest());
  }
}
