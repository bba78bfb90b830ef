package dev.shoal.origin.api;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.http.ResponseListener;
import dev.shoal.core.metrics.Counter;
import dev.shoal.core.metrics.HttpResponseCounter;
import dev.shoal.core.metrics.MetricsRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

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
  private final HttpResponseCounter requests;
  private final Counter servedBytes;
  private final Counter uploadBytes;
  private final Counter mounts;
  private final Counter manifestsPushed;
  private final Counter uploadsExpired;

  public ApiMetrics(MetricsRegistry registry) {
    requireNonNull(registry, "registry");
    requests = new HttpResponseCounter(registry, "shoal_origin", "the origin's HTTP port");
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
    requests.responded(method, status);
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
