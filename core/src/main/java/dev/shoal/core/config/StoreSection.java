package dev.shoal.core.config;

import dev.shoal.core.store.StoreConfig;
import java.nio.file.Path;
import java.util.Set;

/** Reads the {@code store} section into a {@link StoreConfig}; absent keys keep its defaults. */
public final class StoreSection {
  public static final String NAME = "store";
  public static final Set<String> KEYS =
      Set.of(
          "maxBytes",
          "highWatermark",
          "lowWatermark",
          "evictionInterval",
          "accessWriteInterval",
          "cacheEntries",
          "verifyOnOpen");

  /**
   * The keys an origin accepts: its store is the authoritative copy and never evicts (garbage
   * collection removes what nothing references), so the eviction keys would only mislead.
   */
  public static final Set<String> ORIGIN_KEYS = Set.of("cacheEntries", "verifyOnOpen");

  private StoreSection() {}

  public static StoreConfig read(YamlSection store, Path dataDir) throws ConfigException {
    StoreConfig d = StoreConfig.defaults(dataDir);
    try {
      return StoreConfig.builder(dataDir)
          .maxBytes(store.size("maxBytes").orElse(d.maxBytes()))
          .highWatermark(store.number("highWatermark").orElse(d.highWatermark()))
          .lowWatermark(store.number("lowWatermark").orElse(d.lowWatermark()))
          .evictionInterval(store.duration("evictionInterval").orElse(d.evictionInterval()))
          .accessWriteInterval(
              store.duration("accessWriteInterval").orElse(d.accessWriteInterval()))
          .cacheEntries(store.integer("cacheEntries").orElse(d.cacheEntries()))
          .verifyOnOpen(store.bool("verifyOnOpen").orElse(d.verifyOnOpen()))
          .build();
    } catch (IllegalArgumentException e) {
      // StoreConfig validates ranges and words its messages with the keys of this file.
      throw new ConfigException(e.getMessage(), e);
    }
  }
}
