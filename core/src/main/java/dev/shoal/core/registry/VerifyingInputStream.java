package dev.shoal.core.registry;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A blob body that must be exactly {@code size} bytes hashing to {@code digest}: reading past the
 * size, or reaching the end short or with other bytes, fails the read instead of returning end of
 * stream, so a caller that reads to the end never takes a bad blob for a good one.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final Digest digest;
  private final long size;
  private final Hashing hashing;
  private boolean verified;

  VerifyingInputStream(InputStream in, Digest digest, long size) {
    super(in);
    this.digest = digest;
    this.size = size;
    this.hashing = new Hashing(digest.algorithm());
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (verified) {
      return -1;
    }
    int n = super.read(b, off, len);
    if (n < 0) {
      verify();
      return -1;
    }
    hashing.update(b, off, n);
    if (hashing.count() > size) {
      throw new RegistryException(
          "blob " + digest + ": more than the expected " + size + " bytes", 200, List.of());
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed.
    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void verify() throws IOException {
    if (hashing.count() != size) {
      throw new RegistryException(
          "blob " + digest + ": ended after " + hashing.count() + " of " + size + " bytes",
          200,
          List.of());
    }
    Digest actual = hashing.digest();
    verified = true;
    if (!actual.equals(digest)) {
      throw new DigestMismatchException(digest, actual, size);
    }
  }
}
