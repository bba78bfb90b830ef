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
 * @param control the control API the CLI talks to
 */
public record AgentConfig(StoreConfig store, MirrorConfig mirror, ControlConfig control) {
  public AgentConfig {
    requireNonNull(store, "store");
    requireNonNull(mirror, "mirror");
    requireNonNull(control, "control");
  }

  /** Every default, with data in {@code dataDir}. */
  public static AgentConfig defaults(Path dataDir) {
    return new AgentConfig(
        StoreConfig.defaults(dataDir), MirrorConfig.defaults(), ControlConfig.defaults());
  }

  /** The root of everything the agent keeps on disk. */
  public Path dataDir() {
    return store.dataDir();
  }

  public AgentConfig withDataDir(Path dir) {
    return new AgentConfig(store.withDataDir(dir), mirror, control);
  }

  public AgentConfig withMirror(MirrorConfig config) {
    return new AgentConfig(store, config, control);
  }

  public AgentConfig withControl(ControlConfig config) {
    return new AgentConfig(store, mirror, config);
  }
}
