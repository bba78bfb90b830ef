package dev.shoal.core.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request body was not read to its end without losing the answer.
 *
 * <p>A socket closed while unread bytes sit in its receive buffer, or while more keep arriving,
 * answers with a TCP reset, and a client that gets the reset before it has read the answer (a 401
 * to a refused upload, say) sees "connection reset" instead of the reason. So such a connection is
 * closed in two steps: the answer is followed by a half-close (FIN), then whatever the client still
 * sends is read and dropped until it hangs up (its end of the stream closes the channel) or {@link
 * #LINGER_MILLIS} pass.
 */
final class LingeringClose extends ChannelDuplexHandler {
  /** Long enough for a client to read a short answer and hang up; short enough to cost little. */
  static final long LINGER_MILLIS = 2_000;

  private static final AttributeKey<Boolean> UNREAD_BODY =
      AttributeKey.valueOf(LingeringClose.class, "unreadBody");

  private boolean lingering;

  /** The connection's request body will not be read to its end: close it gently. */
  static void markUnreadBody(Channel channel) {
    channel.attr(UNREAD_BODY).set(Boolean.TRUE);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    Channel channel = ctx.channel();
    if (lingering
        || !Boolean.TRUE.equals(channel.attr(UNREAD_BODY).get())
        || !channel.isActive()
        || !(channel instanceof DuplexChannel duplex)) {
      ctx.close(promise);
      return;
    }
    lingering = true;
    channel.closeFuture().addListener(f -> promise.trySuccess());
    duplex
        .shutdownOutput()
        .addListener(
            shut -> {
              if (!shut.isSuccess()) {
                ctx.close();
                return;
              }
              channel.config().setAutoRead(true);
              ctx.read();
              ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (lingering) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (lingering) {
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
