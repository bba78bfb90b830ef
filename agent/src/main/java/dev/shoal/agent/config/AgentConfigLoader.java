package dev.shoal.agent.config;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.StoreSection;
import dev.shoal.core.config.YamlSection;
import dev.shoal.core.store.StoreConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads the agent's YAML config file ({@code --config}) into an {@link AgentConfig}. Every key is
 * optional and falls back to its default; unknown keys and bad values are refused with a message
 * that names the file and the key.
 */
public final class AgentConfigLoader {
  private static final Set<String> TOP_KEYS =
      Set.of("dataDir", StoreSection.NAME, "mirror", "control");
  private static final Set<String> MIRROR_KEYS = Set.of("listen", "upstream");
  private static final Set<String> CONTROL_KEYS = Set.of("listen");

  private AgentConfigLoader() {}

  /**
   * Loads {@code file}; {@code defaultDataDir} applies when the file sets no {@code dataDir}.
   *
   * @throws ConfigException naming the file and the first bad key
   */
  public static AgentConfig load(Path file, Path defaultDataDir) throws ConfigException {
    try {
      YamlSection root = YamlSection.read(file, TOP_KEYS);
      Path dataDir = root.absolutePath("dataDir").orElse(defaultDataDir);
      StoreConfig store =
          StoreSection.read(root.section(StoreSection.NAME, StoreSection.KEYS), dataDir);
      YamlSection mirror = root.section("mirror", MIRROR_KEYS);
      MirrorConfig defaults = MirrorConfig.defaults();
      return new AgentConfig(
          store,
          new MirrorConfig(
              mirror.hostPort("listen").orElse(defaults.listen()),
              mirror.httpUrl("upstream").orElse(defaults.upstream())),
          new ControlConfig(
              root.section("control", CONTROL_KEYS)
                  .hostPort("listen")
                  .orElse(ControlConfig.DEFAULT_LISTEN)));
    } catch (ConfigException e) {
      throw e.inFile(file);
    }
  }
}
