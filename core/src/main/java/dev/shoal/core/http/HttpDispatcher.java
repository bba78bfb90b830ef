package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection's pipeline: routes each request to its {@link HttpHandler}
 * and writes the answer. Runs on the event loop; handlers must not block.
 */
@ChannelHandler.Sharable
final class HttpDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

  private final Router router;

  HttpDispatcher(Router router) {
    this.router = requireNonNull(router, "router");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest) {
        dispatch(ctx, (HttpRequest) msg);
      }
      // No endpoint reads a request body yet: body chunks are released unread.
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void dispatch(ChannelHandlerContext ctx, HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      FullHttpResponse response =
          Responses.text(
              HttpResponseStatus.BAD_REQUEST,
              "bad request: " + request.decoderResult().cause().getMessage() + "\n");
      HttpUtil.setKeepAlive(response, false);
      // The decoder discards the rest of the connection's input after a bad message.
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    FullHttpResponse response;
    String path = pathOf(request.uri());
    if (path == null) {
      response =
          Responses.text(HttpResponseStatus.BAD_REQUEST, "bad request: malformed request target\n");
    } else {
      try {
        response = router.route(request.method(), path).handle(request, path);
      } catch (RuntimeException e) {
        log.error("handler failed method={} path={}", request.method(), path, e);
        response = Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
      }
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (request.method().equals(HttpMethod.HEAD)) {
      FullHttpResponse head = response.replace(Unpooled.EMPTY_BUFFER);
      response.release();
      response = head;
    }
    ctx.writeAndFlush(response);
  }

  /** The decoded path of a request target (origin or absolute form); null when malformed. */
  static String pathOf(String target) {
    String s = target;
    try {
      if (!s.startsWith("/")) {
        String raw = new URI(s).getRawPath();
        s = raw == null || raw.isEmpty() ? "/" : raw;
      }
      return new QueryStringDecoder(s).path();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Mostly peers resetting connections: not worth more than a debug line.
    log.debug("connection error remote={}", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
