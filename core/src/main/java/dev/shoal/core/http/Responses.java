package dev.shoal.core.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Builders for complete HTTP responses with a body held in memory. */
public final class Responses {
  private Responses() {}

  /** A {@code text/plain} response; {@code body} should end with a newline. */
  public static FullHttpResponse text(HttpResponseStatus status, String body) {
    return bytes(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code application/json} response. */
  public static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
    return bytes(status, HttpHeaderValues.APPLICATION_JSON.toString(), body);
  }

  public static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }
}
