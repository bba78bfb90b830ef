package dev.shoal.core.store;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one blob: bytes go to a temporary file and through the hash as they arrive; {@link
 * #commit()} checks the digest, forces the file to disk and renames it into place atomically.
 * Closing a writer that was not committed deletes what it wrote, so a failed or abandoned write
 * leaves nothing behind.
 */
public final class BlobWriter implements AutoCloseable {
  private final ContentStore store;
  private final Digest expected;
  private final long expectedSize;
  private final String mediaType;
  private final Path temp;
  private final FileChannel channel;
  private final Hashing hashing;
  private boolean done;

  BlobWriter(ContentStore store, Digest expected, long expectedSize, String mediaType, Path temp)
      throws IOException {
    this.store = store;
    this.expected = requireNonNull(expected, "expected");
    this.expectedSize = expectedSize;
    this.mediaType = requireNonNull(mediaType, "mediaType");
    this.temp = temp;
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    this.hashing = new Hashing(expected.algorithm());
  }

  public Digest digest() {
    return expected;
  }

  /** Bytes written so far. */
  public long written() {
    return hashing.count();
  }

  public void write(byte[] b, int off, int len) throws IOException {
    write(ByteBuffer.wrap(b, off, len));
  }

  /** Writes all remaining bytes of {@code buf}, consuming them. */
  public void write(ByteBuffer buf) throws IOException {
    checkOpen();
    if (expectedSize >= 0 && hashing.count() + buf.remaining() > expectedSize) {
      throw new IOException(
          "blob "
              + expected
              + ": more than the announced "
              + expectedSize
              + " bytes (got at least "
              + (hashing.count() + buf.remaining())
              + ")");
    }
    ByteBuffer forHash = buf.duplicate();
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    hashing.update(forHash);
  }

  /** An {@link OutputStream} view; closing it does not commit. */
  public OutputStream asOutputStream() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        BlobWriter.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        BlobWriter.this.write(b, off, len);
      }
    };
  }

  /**
   * Verifies and publishes the blob. An already-held blob of the same digest counts as success.
   *
   * @throws DigestMismatchException when the bytes do not hash to the expected digest; the
   *     temporary file is deleted and the store is unchanged
   */
  public BlobInfo commit() throws IOException {
    checkOpen();
    done = true;
    try {
      long size = hashing.count();
      if (expectedSize >= 0 && size != expectedSize) {
        throw new IOException(
            "blob " + expected + ": got " + size + " bytes (expected: " + expectedSize + ")");
      }
      Digest actual = hashing.digest();
      if (!actual.equals(expected)) {
        throw new DigestMismatchException(expected, actual, size);
      }
      channel.force(true);
      channel.close();
      return store.publish(expected, temp, size, mediaType);
    } finally {
      discard();
    }
  }

  /** Abandons the write unless it was committed. */
  @Override
  public void close() throws IOException {
    if (!done) {
      done = true;
      discard();
    }
  }

  private void discard() throws IOException {
    channel.close();
    Files.deleteIfExists(temp);
  }

  private void checkOpen() {
    if (done) {
      throw new IllegalStateException("writer of " + expected + " is already committed or closed");
    }
  }
}
