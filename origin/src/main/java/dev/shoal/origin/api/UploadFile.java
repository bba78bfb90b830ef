package dev.shoal.origin.api;

import dev.shoal.core.digest.Hashing;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends a request body to an upload's file; what happens at the end is the caller's. The bytes
 * are forced to disk before the end callback runs, so an acknowledged offset survives a crash.
 */
final class UploadFile implements BodyConsumer {
  /** What to do once the body is on disk; {@code written} counts this request's bytes. */
  interface End {
    void run(Exchange exchange, long written) throws Exception;
  }

  private final FileChannel channel;
  private final End end;
  private final Runnable onAbort;
  private final Hashing hashing;
  private long written;

  private UploadFile(FileChannel channel, End end, Runnable onAbort, Hashing hashing) {
    this.channel = channel;
    this.end = end;
    this.onAbort = onAbort;
    this.hashing = hashing;
  }

  /**
   * Opens {@code file} (creating it), cut to {@code offset}: bytes past it were never acknowledged.
   */
  static UploadFile at(Path file, long offset, End end, Runnable onAbort) throws IOException {
    return at(file, offset, end, onAbort, null);
  }

  /**
   * As {@link #at(Path, long, End, Runnable)}, also feeding every byte written to {@code hashing}
   * (which must have seen exactly the file's first {@code offset} bytes), when not null.
   */
  static UploadFile at(Path file, long offset, End end, Runnable onAbort, Hashing hashing)
      throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      if (ch.size() > offset) {
        ch.truncate(offset);
      }
      ch.position(offset);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new UploadFile(ch, end, onAbort, hashing);
  }

  @Override
  public void onData(ByteBuf chunk) throws IOException {
    for (ByteBuffer b : chunk.nioBuffers()) {
      ByteBuffer forHash = hashing == null ? null : b.duplicate();
      while (b.hasRemaining()) {
        written += channel.write(b);
      }
      if (forHash != null) {
        hashing.update(forHash);
      }
    }
  }

  @Override
  public void onEnd(Exchange exchange) throws Exception {
    try {
      channel.force(false);
    } finally {
      channel.close();
    }
    end.run(exchange, written);
  }

  @Override
  public void onAbort(Throwable cause) {
    try {
      channel.close();
    } catch (IOException e) {
      // Already failing; the session's offset in the index is what counts.
    }
    onAbort.run();
  }
}
