package dev.shoal.core.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /healthz}: 200 whenever the process is up and its event loops answer (liveness). */
public final class HealthHandler implements HttpHandler {
  @Override
  public FullHttpResponse handle(HttpRequest request, String path) {
    FullHttpResponse response = Responses.text(HttpResponseStatus.OK, "ok\n");
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }
}
