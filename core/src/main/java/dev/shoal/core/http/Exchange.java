package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request being answered by a {@link RequestHandler}: what was asked, and the one response it
 * gets. Safe to use from any thread; Netty writes on the connection's event loop.
 */
public final class Exchange {
  private final ChannelHandlerContext ctx;
  private final HttpRequest request;
  private final String path;
  private final Map<String, List<String>> query;
  private final ResponseListener listener;
  private final AtomicBoolean responded = new AtomicBoolean();
  // Until the body's last chunk was consumed: an answer sent before then (an early error) closes
  // the connection instead of reading, say, a refused 1 GiB upload to its end.
  private volatile boolean bodyUnread;

  Exchange(ChannelHandlerContext ctx, HttpRequest request, String path, ResponseListener listener) {
    this.ctx = ctx;
    this.request = request;
    this.path = path;
    this.listener = listener;
    this.query = new QueryStringDecoder(request.uri()).parameters();
    this.bodyUnread =
        HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
  }

  /** The whole body was consumed: the connection may serve the next request. */
  void bodyRead() {
    bodyUnread = false;
  }

  public HttpRequest request() {
    return request;
  }

  public HttpMethod method() {
    return request.method();
  }

  /** The decoded path, without the query. */
  public String path() {
    return path;
  }

  /** The first value of query parameter {@code name}, or null. */
  public String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public String header(CharSequence name) {
    return request.headers().get(name);
  }

  ChannelHandlerContext channelContext() {
    return ctx;
  }

  public boolean responded() {
    return responded.get();
  }

  /** Sends a complete response; sets {@code Content-Length} and drops the body for HEAD. */
  public void respond(FullHttpResponse response) {
    requireNonNull(response, "response");
    if (!responded.compareAndSet(false, true)) {
      response.release();
      throw new IllegalStateException("a response was already sent for " + path);
    }
    if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setContentLength(response, response.content().readableBytes());
    }
    if (bodyUnread) {
      // The keep-alive handler closes the connection once this response is written.
      HttpUtil.setKeepAlive(response, false);
      LingeringClose.markUnreadBody(ctx.channel());
    }
    HttpDispatcher.tell(listener, request.method(), response.status());
    if (request.method().equals(HttpMethod.HEAD)) {
      FullHttpResponse head = response.replace(io.netty.buffer.Unpooled.EMPTY_BUFFER);
      response.release();
      response = head;
    }
    ctx.writeAndFlush(response);
  }

  /**
   * Sends {@code head} with {@code Content-Length: length}; the body follows through the returned
   * stream. For HEAD the response is complete at once and null is returned.
   */
  public ResponseStream stream(HttpResponse head, long length) {
    if (!responded.compareAndSet(false, true)) {
      throw new IllegalStateException("a response was already sent for " + path);
    }
    HttpUtil.setContentLength(head, length);
    if (bodyUnread) {
      HttpUtil.setKeepAlive(head, false);
      LingeringClose.markUnreadBody(ctx.channel());
    }
    HttpDispatcher.tell(listener, request.method(), head.status());
    ctx.write(head);
    if (request.method().equals(HttpMethod.HEAD) || length == 0) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      return null;
    }
    ctx.flush();
    return new ResponseStream(ctx);
  }

  /**
   * Sends {@code head} (whose {@code Content-Length} must be {@code count}) and then {@code count}
   * bytes of {@code file} from {@code position}, with zero copy. Takes ownership of {@code file}.
   */
  public void respondFile(HttpResponse head, FileChannel file, long position, long count)
      throws IOException {
    if (!responded.compareAndSet(false, true)) {
      file.close();
      throw new IllegalStateException("a response was already sent for " + path);
    }
    HttpUtil.setContentLength(head, count);
    if (bodyUnread) {
      HttpUtil.setKeepAlive(head, false);
      LingeringClose.markUnreadBody(ctx.channel());
    }
    HttpDispatcher.tell(listener, request.method(), head.status());
    ctx.write(head);
    if (request.method().equals(HttpMethod.HEAD) || count == 0) {
      file.close();
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      return;
    }
    ctx.write(new DefaultFileRegion(file, position, count));
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }
}
