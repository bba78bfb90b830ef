package dev.shoal.origin.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.store.StoreConfig;
import java.nio.file.Path;

/**
 * Everything the origin is configured with, one record per component. Built once at startup (see
 * {@link OriginConfigLoader}) and passed inward; {@code deploy/origin.yaml} documents every key.
 *
 * @param store the content store; its data directory is the origin's data directory
 * @param api the registry API server
 * @param events the event stream agents follow
 */
public record OriginConfig(StoreConfig store, ApiConfig api, EventsConfig events) {
  public OriginConfig {
    requireNonNull(store, "store");
    requireNonNull(api, "api");
    requireNonNull(events, "events");
  }

  /** Every default, with data in {@code dataDir}. */
  public static OriginConfig defaults(Path dataDir) {
    return new OriginConfig(
        StoreConfig.defaults(dataDir).withEviction(false),
        ApiConfig.defaults(),
        EventsConfig.defaults());
  }

  /** The root of everything the origin keeps on disk. */
  public Path dataDir() {
    return store.dataDir();
  }

  public OriginConfig withDataDir(Path dir) {
    return new OriginConfig(store.withDataDir(dir), api, events);
  }

  public OriginConfig withApi(ApiConfig config) {
    return new OriginConfig(store, config, events);
  }

  public OriginConfig withEvents(EventsConfig config) {
    return new OriginConfig(store, api, config);
  }
}
