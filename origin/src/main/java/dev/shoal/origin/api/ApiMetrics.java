package dev.shoal.origin.api;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.http.ResponseListener;
import dev.shoal.core.metrics.Counter;
import dev.shoal.core.metrics.LabelledCounter;
import dev.shoal.core.metrics.MetricsRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The registry API's metrics, as {@code GET /metrics} exports them:
 *
 * <ul>
 *   <li>{@code shoal_origin_http_requests_total{method,status}}: responses of the HTTP port by
 *       request method ({@code GET}, …, {@code OTHER}) and status class ({@code 2xx}, …);
 *   <li>{@code shoal_origin_blob_served_bytes_total}: blob bytes sent by {@code GET} of a blob,
 *       counted when the answer starts (a client that hangs up early counts in full);
 *   <li>{@code shoal_origin_blob_upload_bytes_total}: request bytes written to uploads;
 *   <li>{@code shoal_origin_blob_mounts_total}: blobs linked by mount, with no bytes sent;
 *   <li>{@code shoal_origin_manifests_pushed_total}: manifests stored by {@code PUT};
 *   <li>{@code shoal_origin_upload_sessions_expired_total}: idle upload sessions the sweeper
 *       removed.
 * </ul>
 */
public final class ApiMetrics implements ResponseListener {
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
  // The request counters by method and status class, looked up once: counting allocates nothing.
  private final AtomicReferenceArray<Counter> requestCells =
      new AtomicReferenceArray<>((METHODS.size() + 1) * CLASSES);
  private final Counter servedBytes;
  private final Counter uploadBytes;
  private final Counter mounts;
  private final Counter manifestsPushed;
  private final Counter uploadsExpired;

  public ApiMetrics(MetricsRegistry registry) {
    requireNonNull(registry, "registry");
    requests =
        registry.labelledCounter(
            "shoal_origin_http_requests_total",
            "Responses of the origin's HTTP port, by request method and status class.",
            "method",
            "status");
    servedBytes =
        registry.counter(
            "shoal_origin_blob_served_bytes_total", "Blob bytes sent to clients by blob GETs.");
    uploadBytes =
        registry.counter(
            "shoal_origin_blob_upload_bytes_total", "Blob bytes clients sent in uploads.");
    mounts =
        registry.counter(
            "shoal_origin_blob_mounts_total", "Blobs linked by cross-repository mount.");
    manifestsPushed =
        registry.counter("shoal_origin_manifests_pushed_total", "Manifests stored by PUT.");
    uploadsExpired =
        registry.counter(
            "shoal_origin_upload_sessions_expired_total",
            "Idle upload sessions removed with their bytes by the sweeper.");
  }

  @Override
  public void responded(HttpMethod method, HttpResponseStatus status) {
    int m = METHODS.indexOf(method);
    if (m < 0) {
      m = METHODS.size();
    }
    int c = Math.min(Math.max(status.code() / 100, 1), CLASSES) - 1;
    int cell = m * CLASSES + c;
    Counter counter = requestCells.get(cell);
    if (counter == null) {
      // Two threads may race here; labels() gives both the same counter.
      counter = requests.labels(m < METHODS.size() ? METHODS.get(m).name() : OTHER, (c + 1) + "xx");
      requestCells.set(cell, counter);
    }
    counter.increment();
  }

  void served(long bytes) {
    servedBytes.add(bytes);
  }

  void uploaded(long bytes) {
    uploadBytes.add(bytes);
  }

  void mounted() {
    mounts.increment();
  }

  void manifestPushed() {
    manifestsPushed.increment();
  }

  void uploadsExpired(int sessions) {
    uploadsExpired.add(sessions);
  }

  /** Blob bytes clients sent in uploads since start. */
  public long uploadBytes() {
    return uploadBytes.value();
  }

  public long mounts() {
    return mounts.value();
  }
}
