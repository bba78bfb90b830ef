package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The agent's place in the swarm: where it serves other agents, and which agents it asks for blobs
 * before the upstream.
 *
 * @param listen the peer port (gRPC {@code shoal.peer.v1}); empty: no peer port, no swarm
 * @param peers the other agents' peer addresses (this agent's own may be listed too)
 * @param peersFile a file of more peer addresses, read again every {@code refresh}
 * @param peersDns a DNS name whose records list more peers ({@code NAME:PORT} or an SRV name)
 * @param refresh how often the file and DNS are read again
 * @param stall how long a peer may send nothing before the upstream takes over
 * @param zone this agent's zone label (empty: none), such as a cloud availability zone
 * @param region this agent's region label (empty: none)
 * @param uploadLimit bytes per second this agent sends to peers, all together (0: no limit)
 * @param downloadLimit bytes per second this agent downloads from peers and upstreams, all together
 *     (0: no limit)
 */
public record PeerConfig(
    Optional<HostPort> listen,
    List<HostPort> peers,
    Optional<Path> peersFile,
    Optional<String> peersDns,
    Duration refresh,
    Duration stall,
    String zone,
    String region,
    long uploadLimit,
    long downloadLimit) {
  public static final Duration DEFAULT_STALL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

  public PeerConfig {
    requireNonNull(listen, "listen");
    peers = List.copyOf(peers);
    requireNonNull(peersFile, "peersFile");
    requireNonNull(peersDns, "peersDns");
    requireNonNull(refresh, "refresh");
    requireNonNull(stall, "stall");
    requireNonNull(zone, "zone");
    requireNonNull(region, "region");
    if (uploadLimit < 0 || downloadLimit < 0) {
      throw new IllegalArgumentException(
          "peer limits: " + uploadLimit + ", " + downloadLimit + " (expected: >= 0, 0 for none)");
    }
    if (stall.isNegative() || stall.isZero()) {
      throw new IllegalArgumentException("peer.stall: " + stall + " (expected: > 0)");
    }
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("peer.refresh: " + refresh + " (expected: >= 1s)");
    }
  }

  public static PeerConfig defaults() {
    return new PeerConfig(
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_REFRESH,
        DEFAULT_STALL,
        "",
        "",
        0,
        0);
  }

  public PeerConfig withListen(HostPort address) {
    return new PeerConfig(
        Optional.of(address),
        peers,
        peersFile,
        peersDns,
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit);
  }

  public PeerConfig withPeers(List<HostPort> members) {
    return new PeerConfig(
        listen,
        members,
        peersFile,
        peersDns,
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit);
  }

  public PeerConfig withPeersFile(Path file) {
    return new PeerConfig(
        listen,
        peers,
        Optional.of(file),
        peersDns,
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit);
  }

  public PeerConfig withPeersDns(String name) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        Optional.of(name),
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit);
  }

  public PeerConfig withLocation(String zoneLabel, String regionLabel) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        peersDns,
        refresh,
        stall,
        zoneLabel,
        regionLabel,
        uploadLimit,
        downloadLimit);
  }

  /** Whether the member list comes from a file or DNS (and may grow after start). */
  public boolean dynamicMembers() {
    return peersFile.isPresent() || peersDns.isPresent();
  }

  public PeerConfig withLimits(long upload, long download) {
    return new PeerConfig(
        listen, peers, peersFile, peersDns, refresh, stall, zone, region, upload, download);
  }

  public PeerConfig withRefresh(Duration every) {
    return new PeerConfig(
        listen, peers, peersFile, peersDns, every, stall, zone, region, uploadLimit, downloadLimit);
  }
}
