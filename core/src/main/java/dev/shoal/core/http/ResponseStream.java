package dev.shoal.core.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;

/**
 * The body of a response whose head was sent and whose bytes arrive later, such as a blob still
 * being downloaded: the sender writes file ranges as they become available, pacing itself on the
 * returned futures, then {@link #end()}s it, or {@link #abort()}s it so that the client sees a
 * truncated body rather than a complete wrong one.
 *
 * <p>Writes may be called from any thread; {@link #executor()} runs tasks on the connection's event
 * loop, where they need no locking against the writes' listeners.
 */
public final class ResponseStream {
  private final ChannelHandlerContext ctx;

  ResponseStream(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** The connection's event loop. */
  public Executor executor() {
    return ctx.executor();
  }

  /**
   * Writes {@code count} bytes of {@code file} from {@code position} with zero copy. The file stays
   * open (the caller closes it once the last write completed), so one channel serves many writes.
   */
  public ChannelFuture write(FileChannel file, long position, long count) {
    return ctx.writeAndFlush(new SharedFileRegion(file, position, count));
  }

  /** Ends the body; the connection is then free for the client's next request. */
  public ChannelFuture end() {
    return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  /** Closes the connection mid-body: the client cannot take what it got for a whole answer. */
  public void abort() {
    ctx.channel().close();
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return ctx.channel().isActive();
  }

  /** Runs {@code task} once the connection closes, for whatever reason. */
  public void onClose(Runnable task) {
    ctx.channel().closeFuture().addListener(f -> task.run());
  }

  /** A file region that leaves its channel open when released. */
  private static final class SharedFileRegion extends DefaultFileRegion {
    SharedFileRegion(FileChannel file, long position, long count) {
      super(file, position, count);
    }

    @Override
    protected void deallocate() {
      // The channel belongs to the stream's sender, which writes several regions of it.
    }
  }
}
