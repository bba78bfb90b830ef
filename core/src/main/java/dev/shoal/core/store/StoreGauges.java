package dev.shoal.core.store;

import dev.shoal.core.metrics.MetricsRegistry;

/**
 * A content store's size as metrics: {@code <prefix>_store_blobs} and {@code <prefix>_store_bytes}
 * (complete blobs), {@code <prefix>_store_partial_blobs} and {@code <prefix>_store_partial_bytes}
 * (downloads held in part). Read from running counts: a scrape reads no disk.
 */
public final class StoreGauges {
  private StoreGauges() {}

  public static void register(MetricsRegistry registry, String prefix, ContentStore store) {
    registry.gauge(
        prefix + "_store_blobs",
        "Complete blobs in the content store.",
        () -> store.stats().completeBlobs());
    registry.gauge(
        prefix + "_store_bytes",
        "Bytes of the complete blobs in the content store.",
        () -> store.stats().completeBytes());
    registry.gauge(
        prefix + "_store_partial_blobs",
        "Blobs held in part, being downloaded.",
        () -> store.stats().partialBlobs());
    registry.gauge(
        prefix + "_store_partial_bytes",
        "Bytes held of the blobs being downloaded.",
        () -> store.stats().partialBytes());
  }
}
