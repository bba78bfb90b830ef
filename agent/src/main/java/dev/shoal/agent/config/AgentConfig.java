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
 * @param peer the swarm: the peer port and the other agents
 */
public record AgentConfig(
    StoreConfig store, MirrorConfig mirror, ControlConfig control, PeerConfig peer) {
  public AgentConfig {
    requireNonNull(store, "store");
    requireNonNull(mirror, "mirror");
    requireNonNull(control, "control");
    requireNonNull(peer, "peer");
  }

  public AgentConfig(StoreConfig store, MirrorConfig mirror, ControlConfig control) {
    this(store, mirror, control, PeerConfig.defaults());
  }

  /** Every default, with data in {@code dataDir}. */
  public static AgentConfig defaults(Path dataDir) {
    return new AgentConfig(
        StoreConfig.defaults(dataDir),
        MirrorConfig.defaults(),
        ControlConfig.defaults(),
        PeerConfig.defaults());
  }

  /** The root of everything the agent keeps on disk. */
  public Path dataDir() {
    return store.dataDir();
  }

  public AgentConfig withDataDir(Path dir) {
    return new AgentConfig(store.withDataDir(dir), mirror, control, peer);
  }

  public AgentConfig withMirror(MirrorConfig config) {
    return new AgentConfig(store, config, control, peer);
  }

  public AgentConfig withControl(ControlConfig config) {
    return new AgentConfig(store, mirror, config, peer);
  }

  public AgentConfig withPeer(PeerConfig config) {
    return new AgentConfig(store, mirror, control, config);
  }
}
