package dev.shoal.core.digest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  public void update(ByteBuffer buf) {
    count += buf.remaining();
    hasher.update(buf);
  }

  /** The digest of a whole file, read sequentially through a direct buffer. */
  public static Digest file(Path file, DigestAlgorithm algorithm) throws IOException {
    Hashing h = new Hashing(algorithm);
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        h.update(buf);
        buf.clear();
      }
    }
    return h.digest();
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
