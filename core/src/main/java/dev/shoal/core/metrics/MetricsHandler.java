package dev.shoal.core.metrics;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.http.HttpHandler;
import dev.shoal.core.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the registry's metrics in the Prometheus text format 0.0.4. Answers on the
 * event loop; the registry's gauges never block.
 */
public final class MetricsHandler implements HttpHandler {
  /** Where Prometheus looks by default. */
  public static final String PATH = "/metrics";

  private final MetricsRegistry registry;

  public MetricsHandler(MetricsRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  @Override
  public FullHttpResponse handle(HttpRequest request, String path) {
    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        Responses.bytes(HttpResponseStatus.OK, TextFormat.CONTENT_TYPE, body);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }
}
