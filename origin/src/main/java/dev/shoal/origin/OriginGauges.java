package dev.shoal.origin;

import dev.shoal.core.metrics.MetricsRegistry;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.StoreGauges;
import dev.shoal.origin.events.EventService;
import dev.shoal.origin.meta.RegistryMetadata;

/**
 * The origin's metrics read from its stores and its event stream, besides the registry API's own
 * ({@link dev.shoal.origin.api.ApiMetrics}):
 *
 * <ul>
 *   <li>{@code shoal_origin_store_*}: the content store's blobs and bytes ({@link StoreGauges});
 *   <li>{@code shoal_origin_uploads_in_progress}: upload sessions started and not yet finished,
 *       cancelled or expired;
 *   <li>{@code shoal_origin_events_published_total}: events appended to the event log since it
 *       began (its newest cursor: it does not restart from zero with the process);
 *   <li>{@code shoal_origin_events_sent_total}: events sent to subscribers since start;
 *   <li>{@code shoal_origin_event_subscribers}: subscriptions being served.
 * </ul>
 *
 * Every value is a running count kept in memory, so a scrape reads no disk.
 */
final class OriginGauges {
  private OriginGauges() {}

  static void register(
      MetricsRegistry registry, ContentStore store, RegistryMetadata meta, EventService events) {
    StoreGauges.register(registry, "shoal_origin", store);
    registry.gauge(
        "shoal_origin_uploads_in_progress",
        "Upload sessions started and not yet finished, cancelled or expired.",
        meta::uploadsInProgress);
    registry.counter(
        "shoal_origin_events_published_total",
        "Events appended to the event log since it began.",
        meta::lastEventCursor);
    registry.counter("shoal_origin_events_sent_total", "Events sent to subscribers.", events::sent);
    registry.gauge(
        "shoal_origin_event_subscribers",
        "Event stream subscriptions being served.",
        () -> events.subscribers());
  }
}
