package dev.shoal.origin.config;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.StoreSection;
import dev.shoal.core.config.YamlSection;
import dev.shoal.core.store.StoreConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads the origin's YAML config file ({@code --config}) into an {@link OriginConfig}. Every key is
 * optional and falls back to its default; unknown keys and bad values are refused with a message
 * that names the file and the key.
 */
public final class OriginConfigLoader {
  private static final Set<String> TOP_KEYS = Set.of("dataDir", StoreSection.NAME, "api", "events");
  private static final Set<String> API_KEYS = Set.of("listen", "uploadTtl");
  private static final Set<String> EVENTS_KEYS = Set.of("listen");

  private OriginConfigLoader() {}

  /**
   * Loads {@code file}; {@code defaultDataDir} applies when the file sets no {@code dataDir}.
   *
   * @throws ConfigException naming the file and the first bad key
   */
  public static OriginConfig load(Path file, Path defaultDataDir) throws ConfigException {
    try {
      YamlSection root = YamlSection.read(file, TOP_KEYS);
      Path dataDir = root.absolutePath("dataDir").orElse(defaultDataDir);
      StoreConfig store =
          StoreSection.read(root.section(StoreSection.NAME, StoreSection.ORIGIN_KEYS), dataDir)
              .withEviction(false);
      YamlSection api = root.section("api", API_KEYS);
      YamlSection events = root.section("events", EVENTS_KEYS);
      return new OriginConfig(
          store,
          new ApiConfig(
              api.hostPort("listen").orElse(ApiConfig.DEFAULT_LISTEN),
              api.duration("uploadTtl").orElse(ApiConfig.DEFAULT_UPLOAD_TTL)),
          new EventsConfig(events.hostPort("listen").orElse(EventsConfig.DEFAULT_LISTEN)));
    } catch (ConfigException e) {
      throw e.inFile(file);
    } catch (IllegalArgumentException e) {
      // The config records check ranges and word their messages with the keys of this file.
      throw new ConfigException(e.getMessage(), e).inFile(file);
    }
  }
}
