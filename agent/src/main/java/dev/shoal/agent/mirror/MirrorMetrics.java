package dev.shoal.agent.mirror;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.core.http.ResponseListener;
import dev.shoal.core.metrics.Counter;
import dev.shoal.core.metrics.HttpResponseCounter;
import dev.shoal.core.metrics.MetricsRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The mirror's metrics, as the agent's {@code GET /metrics} exports them:
 *
 * <ul>
 *   <li>{@code shoal_agent_http_requests_total{method,status}}: responses of the HTTP port;
 *   <li>{@code shoal_agent_manifest_requests_total}, {@code shoal_agent_blob_requests_total}, and
 *       {@code shoal_agent_blob_hits_total} (blobs already complete in the store): the hit ratio is
 *       {@code rate(hits) / rate(blob_requests)}, and {@code shoal_agent_blob_hit_ratio} gives it
 *       since start in parts per thousand;
 *   <li>{@code shoal_agent_blob_served_bytes_total{source="store"|"upstream"}}: blob bytes sent to
 *       clients from complete blobs, or while they were being downloaded;
 *   <li>{@code shoal_agent_upstream_bytes_total}, {@code shoal_agent_peer_bytes_total}, {@code
 *       shoal_agent_fetches_total}: what the agent downloaded, from where, and {@code
 *       shoal_agent_peer_rejected_bytes_total}: bytes from peers that failed the piece table;
 *   <li>{@code shoal_agent_transfers_in_flight}: downloads running now;
 *   <li>{@code shoal_agent_stale_tags_total}: tags answered from cache with the upstream down.
 * </ul>
 */
public final class MirrorMetrics implements ResponseListener {
  private final HttpResponseCounter responses;
  private final Counter manifestRequests;
  private final Counter blobRequests;
  private final Counter blobHits;
  private final Counter bytesFromStore;
  private final Counter bytesFromUpstream;
  private final Counter staleTags;

  private final MetricsRegistry registry;

  public MirrorMetrics(MetricsRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    responses = new HttpResponseCounter(registry, "shoal_agent", "the agent's HTTP port");
    manifestRequests =
        registry.counter("shoal_agent_manifest_requests_total", "Manifest requests to the mirror.");
    blobRequests =
        registry.counter("shoal_agent_blob_requests_total", "Blob requests to the mirror.");
    blobHits =
        registry.counter(
            "shoal_agent_blob_hits_total",
            "Blob requests answered from a blob already complete in the store.");
    var served =
        registry.labelledCounter(
            "shoal_agent_blob_served_bytes_total",
            "Blob bytes sent to clients: from complete blobs of the store, or from downloads in"
                + " flight.",
            "source");
    bytesFromStore = served.labels("store");
    bytesFromUpstream = served.labels("upstream");
    staleTags =
        registry.counter(
            "shoal_agent_stale_tags_total",
            "Tags answered from the cache because the upstream was unreachable.");
    registry.gauge(
        "shoal_agent_blob_hit_ratio",
        "Blob requests answered from the store since start, in parts per thousand.",
        this::hitPermille);
  }

  /** Exports the counts of {@code fetches}, once they exist (after the store opened). */
  public void watch(BlobFetches fetches) {
    registry.counter(
        "shoal_agent_upstream_bytes_total",
        "Blob bytes downloaded from upstream registries.",
        fetches::bytesFromUpstream);
    registry.counter(
        "shoal_agent_peer_bytes_total",
        "Blob bytes downloaded from other agents.",
        fetches::bytesFromPeers);
    registry.counter(
        "shoal_agent_peer_rejected_bytes_total",
        "Blob bytes from other agents thrown away: their piece failed the piece table.",
        fetches::bytesRejected);
    registry.counter(
        "shoal_agent_fetches_total",
        "Blob downloads started (from peers or upstreams).",
        fetches::fetchesStarted);
    registry.gauge(
        "shoal_agent_transfers_in_flight", "Blob downloads running now.", fetches::inFlight);
  }

  @Override
  public void responded(HttpMethod method, HttpResponseStatus status) {
    responses.responded(method, status);
  }

  void manifestRequest() {
    manifestRequests.increment();
  }

  /** A blob request; {@code hit} when the blob was already complete in the store. */
  void blobRequest(boolean hit) {
    blobRequests.increment();
    if (hit) {
      blobHits.increment();
    }
  }

  void servedFromStore(long bytes) {
    bytesFromStore.add(bytes);
  }

  void servedFromUpstream(long bytes) {
    bytesFromUpstream.add(bytes);
  }

  void staleTag() {
    staleTags.increment();
  }

  private long hitPermille() {
    long requests = blobRequests.value();
    return requests == 0 ? 0 : blobHits.value() * 1000 / requests;
  }

  public long manifestRequests() {
    return manifestRequests.value();
  }

  public long blobRequests() {
    return blobRequests.value();
  }

  public long blobHits() {
    return blobHits.value();
  }

  /** Blob bytes sent from complete blobs of the store. */
  public long bytesFromStore() {
    return bytesFromStore.value();
  }

  /** Blob bytes sent while they were being downloaded from an upstream. */
  public long bytesFromUpstream() {
    return bytesFromUpstream.value();
  }

  /** Tags answered from the cache because the upstream was unreachable. */
  public long staleTags() {
    return staleTags.value();
  }
}
