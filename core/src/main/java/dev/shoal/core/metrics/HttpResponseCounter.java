package dev.shoal.core.metrics;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.http.ResponseListener;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts a server's responses by request method ({@code GET}, …, {@code OTHER}) and status class
 * ({@code 2xx}, …) as {@code <prefix>_http_requests_total{method,status}}. Counting allocates
 * nothing once a cell was looked up.
 */
public final class HttpResponseCounter implements ResponseListener {
  private static final List<HttpMethod> METHODS =
      List.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE,
          HttpMethod.OPTIONS);
  private static final String OTHER = "OTHER";
  private static final int CLASSES = 5;

  private final LabelledCounter requests;
  private final AtomicReferenceArray<Counter> cells =
      new AtomicReferenceArray<>((METHODS.size() + 1) * CLASSES);

  /**
   * @param prefix the metric's prefix, e.g. {@code shoal_origin}
   * @param server what the help text calls the server, e.g. "the origin's HTTP port"
   */
  public HttpResponseCounter(MetricsRegistry registry, String prefix, String server) {
    requireNonNull(registry, "registry");
    requests =
        registry.labelledCounter(
            prefix + "_http_requests_total",
            "Responses of " + server + ", by request method and status class.",
            "method",
            "status");
  }

  @Override
  public void responded(HttpMethod method, HttpResponseStatus status) {
    int m = METHODS.indexOf(method);
    if (m < 0) {
      m = METHODS.size();
    }
    int c = Math.min(Math.max(status.code() / 100, 1), CLASSES) - 1;
    int cell = m * CLASSES + c;
    Counter counter = cells.get(cell);
    if (counter == null) {
      // Two threads may race here; labels() gives both the same counter.
      counter = requests.labels(m < METHODS.size() ? METHODS.get(m).name() : OTHER, (c + 1) + "xx");
      cells.set(cell, counter);
    }
    counter.increment();
  }
}
