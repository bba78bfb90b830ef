package dev.shoal.agent.config;

import dev.shoal.core.store.StoreConfig;
import java.nio.file.Path;
import java.util.Set;

/** Reads the {@code store} section into a {@link StoreConfig}; absent keys keep its defaults. */
final class StoreSection {
  static final String NAME = "store";
  static final Set<String> KEYS =
      Set.of(
          "maxBytes",
          "highWatermark",
          "lowWatermark",
          "evictionInterval",
          "accessWriteInterval",
          "cacheEntries",
          "verifyOnOpen");

  private StoreSection() {}

  static StoreConfig read(YamlSection store, Path dataDir) throws ConfigException {
    StoreConfig d = StoreConfig.defaults(dataDir);
    try {
      return new StoreConfig(
          dataDir,
          store.size("maxBytes").orElse(d.maxBytes()),
          store.number("highWatermark").orElse(d.highWatermark()),
          store.number("lowWatermark").orElse(d.lowWatermark()),
          store.duration("evictionInterval").orElse(d.evictionInterval()),
          store.duration("accessWriteInterval").orElse(d.accessWriteInterval()),
          store.integer("cacheEntries").orElse(d.cacheEntries()),
          store.bool("verifyOnOpen").orElse(d.verifyOnOpen()));
    } catch (IllegalArgumentException e) {
      // StoreConfig validates ranges and words its messages with the keys of this file.
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** {@code store} with its data directory replaced. */
  static StoreConfig withDataDir(StoreConfig store, Path dataDir) {
    return new StoreConfig(
        dataDir,
        store.maxBytes(),
        store.highWatermark(),
        store.lowWatermark(),
        store.evictionInterval(),
        store.accessWriteInterval(),
        store.cacheEntries(),
        store.verifyOnOpen());
  }
}
