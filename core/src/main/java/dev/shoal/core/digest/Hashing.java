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

  /** The digest of {@code bytes} with {@code algorithm}. */
  public static Digest ofBytes(DigestAlgorithm algorithm, byte[] bytes) {
    return Digest.of(algorithm, algorithm.newHasher().digest(bytes));
  }

  /** The digest of a whole file. */
  public static Digest file(Path file, DigestAlgorithm algorithm) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return channel(ch, ch.size(), algorithm);
    }
  }

  /**
   * The digest of the first {@code size} bytes of {@code ch}, read with positional reads (the
   * channel's position is untouched). Fewer bytes than {@code size} hash to what they are: the
   * caller compares the digest and so notices.
   *
   * <p>A heap buffer no larger than the data: as fast as a direct one for hashing
   * (bench/README.md), and it is freed by the next young collection instead of lingering until a
   * full one.
   */
  public static Digest channel(FileChannel ch, long size, DigestAlgorithm algorithm)
      throws IOException {
    Hashing h = new Hashing(algorithm);
    ByteBuffer buf = ByteBuffer.allocate((int) Math.max(1, Math.min(size, 1 << 20)));
    long pos = 0;
    while (pos < size) {
      buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
      int n = ch.read(buf, pos);
      if (n < 0) {
        break;
      }
      buf.flip();
      h.update(buf);
      pos += n;
    }
    return h.digest();
  }

  public DigestAlgorithm algorithm() {
    return algorithm;
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
