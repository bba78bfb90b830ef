package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * An open byte range of a complete blob, for zero-copy sends: hand {@link #channel()} with {@link
 * #position()} and {@link #count()} to Netty's {@code DefaultFileRegion}, which then owns and
 * closes the channel. Otherwise close this range.
 *
 * <p>The channel stays readable even if the blob is evicted meanwhile: the file is unlinked, not
 * truncated.
 */
public record BlobRange(Digest digest, Path path, FileChannel channel, long position, long count)
    implements AutoCloseable {

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
