package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The agent's place in the swarm: where it serves other agents, and which agents it asks for blobs
 * before the upstream.
 *
 * @param listen the peer port (gRPC {@code shoal.peer.v1}); empty: no peer port, no swarm
 * @param peers the other agents' peer addresses (this agent's own may be listed too)
 * @param stall how long a peer may send nothing before the upstream takes over
 */
public record PeerConfig(Optional<HostPort> listen, List<HostPort> peers, Duration stall) {
  public static final Duration DEFAULT_STALL = Duration.ofSeconds(10);

  public PeerConfig {
    requireNonNull(listen, "listen");
    peers = List.copyOf(peers);
    requireNonNull(stall, "stall");
    if (stall.isNegative() || stall.isZero()) {
      throw new IllegalArgumentException("peer.stall: " + stall + " (expected: > 0)");
    }
  }

  public static PeerConfig defaults() {
    return new PeerConfig(Optional.empty(), List.of(), DEFAULT_STALL);
  }

  public PeerConfig withListen(HostPort address) {
    return new PeerConfig(Optional.of(address), peers, stall);
  }

  public PeerConfig withPeers(List<HostPort> members) {
    return new PeerConfig(listen, members, stall);
  }
}
