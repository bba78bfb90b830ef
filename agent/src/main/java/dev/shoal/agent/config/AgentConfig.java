package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.store.StoreConfig;
import java.nio.file.Path;

/**
 * Everything the agent is configured with, one record per component. Built once at startup (see
 * {@link AgentConfigLoader}) and passed inward; {@code deploy/agent.yaml} documents every key.
 *
 * @param store the content store; its data directory is the agent's data directory
 * @param mirror the registry mirror (HTTP listen address and upstream)
 */
public record AgentConfig(StoreConfig store, MirrorConfig mirror) {
  public AgentConfig {
    requireNonNull(store, "store");
    requireNonNull(mirror, "mirror");
  }

  /** Every default, with data in {@code dataDir}. */
  public static AgentConfig defaults(Path dataDir) {
    return new AgentConfig(StoreConfig.defaults(dataDir), MirrorConfig.defaults());
  }

  /** The root of everything the agent keeps on disk. */
  public Path dataDir() {
    return store.dataDir();
  }

  public AgentConfig withDataDir(Path dir) {
    return new AgentConfig(store.withDataDir(dir), mirror);
  }

  public AgentConfig withMirror(MirrorConfig config) {
    return new AgentConfig(store, config);
  }
}
