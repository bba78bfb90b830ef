package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection's pipeline: routes each request and writes the answer.
 *
 * <p>Exact routes ({@link HttpHandler}) answer on the event loop and must not block. Prefix routes
 * ({@link RequestHandler}) run on the server's I/O executor, one request of the connection at a
 * time; while one of them reads its body the connection reads from the socket only as fast as the
 * handler consumes (auto-read off; at most {@link #READ_AHEAD} chunks read ahead).
 */
final class HttpDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

  /**
   * Body chunks read ahead of the handler: enough to keep the socket busy while the disk writes,
   * few enough (times at most 1 MiB each) to bound the memory one upload holds.
   */
  private static final int READ_AHEAD = 8;

  private final Router router;
  private final SerialExecutor serial;

  // Event-loop state: is the body of the current request going to a blocking handler?
  private boolean streaming;
  private int pendingChunks;

  // Executor state (touched only by tasks of `serial`, which run one at a time, in order).
  private Exchange exchange;
  private BodyConsumer consumer;
  private boolean failed;

  HttpDispatcher(Router router, Executor io) {
    this.router = requireNonNull(router, "router");
    this.serial = new SerialExecutor(io);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      onRequest(ctx, request);
    }
    if (msg instanceof HttpContent content) {
      if (streaming) {
        onBody(ctx, content.retain(), msg instanceof LastHttpContent);
      }
    }
    ReferenceCountUtil.release(msg);
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      FullHttpResponse response =
          Responses.text(
              HttpResponseStatus.BAD_REQUEST,
              "bad request: " + request.decoderResult().cause().getMessage() + "\n");
      HttpUtil.setKeepAlive(response, false);
      tell(router.listener(), request.method(), response.status());
      // The decoder discards the rest of the connection's input after a bad message.
      LingeringClose.markUnreadBody(ctx.channel());
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    String path = pathOf(request.uri());
    RequestHandler blocking = path == null ? null : router.routePrefix(path);
    if (blocking != null) {
      streaming = true;
      ctx.channel().config().setAutoRead(false);
      Exchange ex = new Exchange(ctx, request, path, router.listener());
      serial.execute(() -> start(ex, blocking));
      return;
    }
    FullHttpResponse response;
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
    tell(router.listener(), request.method(), response.status());
    if (request.method().equals(HttpMethod.HEAD)) {
      FullHttpResponse head = response.replace(Unpooled.EMPTY_BUFFER);
      response.release();
      response = head;
    }
    ctx.writeAndFlush(response);
  }

  private void onBody(ChannelHandlerContext ctx, HttpContent chunk, boolean last) {
    pendingChunks++;
    if (last) {
      streaming = false;
    } else if (pendingChunks < READ_AHEAD) {
      ctx.read();
    }
    serial.execute(
        () -> {
          try {
            consume(chunk, last);
          } finally {
            chunk.release();
            ctx.executor().execute(() -> consumed(ctx, last));
          }
        });
  }

  /** On the event loop, after a chunk was consumed: ask for more, or for the next request. */
  private void consumed(ChannelHandlerContext ctx, boolean last) {
    pendingChunks--;
    if (last) {
      ctx.channel().config().setAutoRead(true);
    } else if (pendingChunks < READ_AHEAD && streaming) {
      ctx.read();
    }
  }

  private void start(Exchange ex, RequestHandler handler) {
    exchange = ex;
    consumer = null;
    failed = false;
    try {
      consumer = handler.handle(ex);
    } catch (Exception | Error e) {
      fail(e);
    }
    if (consumer == null && !ex.responded() && !failed) {
      fail(new IllegalStateException("handler neither responded nor consumed the body"));
    }
    // The request head is handled: the first body chunk may come.
    ex.channelContext().executor().execute(() -> ex.channelContext().read());
  }

  private void consume(HttpContent chunk, boolean last) {
    if (consumer == null || failed) {
      return; // answered already (an error, or no body expected): the body is discarded
    }
    try {
      if (chunk.content().isReadable()) {
        consumer.onData(chunk.content());
      }
      if (last) {
        exchange.bodyRead();
        consumer.onEnd(exchange);
      }
    } catch (Exception | Error e) {
      fail(e);
    }
  }

  private void fail(Throwable e) {
    failed = true;
    if (consumer != null) {
      consumer.onAbort(e);
    }
    if (exchange.responded()) {
      log.warn("handler failed after responding path={}: {}", exchange.path(), e.toString());
      exchange.channelContext().close();
      return;
    }
    if (e instanceof HttpError he) {
      exchange.respond(he.response());
      return;
    }
    log.error("handler failed method={} path={}", exchange.method(), exchange.path(), e);
    exchange.respond(Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    serial.execute(
        () -> {
          if (consumer != null && exchange != null && !exchange.responded() && !failed) {
            failed = true;
            consumer.onAbort(new java.nio.channels.ClosedChannelException());
          }
        });
    ctx.fireChannelInactive();
  }

  /** Tells {@code listener} of a response; a failing listener never fails the response. */
  static void tell(ResponseListener listener, HttpMethod method, HttpResponseStatus status) {
    try {
      listener.responded(method, status);
    } catch (RuntimeException e) {
      log.warn("response listener failed method={} status={}", method, status.code(), e);
    }
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
