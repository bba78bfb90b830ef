package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.ConfigException;
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
 * @param tls the fleet CA and this agent's certificate and key: mTLS on the peer port, both ways
 * @param plaintext the lab setting: the peer port without TLS (see {@link #checkSecurity})
 * @param healthInterval how often every member is asked for its gRPC health; one that answers
 *     NOT_SERVING, or misses two probes in a row, is left out until it answers SERVING again
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
    long downloadLimit,
    Optional<PeerTlsConfig> tls,
    boolean plaintext,
    Duration healthInterval) {
  public static final Duration DEFAULT_STALL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
  public static final Duration MIN_HEALTH_INTERVAL = Duration.ofMillis(100);

  public PeerConfig {
    requireNonNull(listen, "listen");
    peers = List.copyOf(peers);
    requireNonNull(peersFile, "peersFile");
    requireNonNull(peersDns, "peersDns");
    requireNonNull(refresh, "refresh");
    requireNonNull(stall, "stall");
    requireNonNull(zone, "zone");
    requireNonNull(region, "region");
    requireNonNull(tls, "tls");
    requireNonNull(healthInterval, "healthInterval");
    if (healthInterval.compareTo(MIN_HEALTH_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "peer.healthInterval: " + healthInterval + " (expected: >= 100ms)");
    }
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
        0,
        Optional.empty(),
        false,
        DEFAULT_HEALTH_INTERVAL);
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
        downloadLimit,
        tls,
        plaintext,
        healthInterval);
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
        downloadLimit,
        tls,
        plaintext,
        healthInterval);
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
        downloadLimit,
        tls,
        plaintext,
        healthInterval);
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
        downloadLimit,
        tls,
        plaintext,
        healthInterval);
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
        downloadLimit,
        tls,
        plaintext,
        healthInterval);
  }

  /** Whether the member list comes from a file or DNS (and may grow after start). */
  public boolean dynamicMembers() {
    return peersFile.isPresent() || peersDns.isPresent();
  }

  public PeerConfig withLimits(long upload, long download) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        peersDns,
        refresh,
        stall,
        zone,
        region,
        upload,
        download,
        tls,
        plaintext,
        healthInterval);
  }

  public PeerConfig withRefresh(Duration every) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        peersDns,
        every,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit,
        tls,
        plaintext,
        healthInterval);
  }

  /** mTLS with the fleet CA on the peer port (and no plaintext). */
  public PeerConfig withTls(PeerTlsConfig files) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        peersDns,
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit,
        Optional.of(files),
        plaintext,
        healthInterval);
  }

  /** The lab setting: the peer port speaks plain gRPC, to anyone who can reach it. */
  public PeerConfig withPlaintext(boolean on) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        peersDns,
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit,
        tls,
        on,
        healthInterval);
  }

  public PeerConfig withHealthInterval(Duration every) {
    return new PeerConfig(
        listen,
        peers,
        peersFile,
        peersDns,
        refresh,
        stall,
        zone,
        region,
        uploadLimit,
        downloadLimit,
        tls,
        plaintext,
        every);
  }

  /** Whether this agent takes part in a swarm: it has a peer port, or peers to ask. */
  public boolean swarm() {
    return listen.isPresent() || !peers.isEmpty() || dynamicMembers();
  }

  /**
   * Checks that a swarm is secured the way a fleet expects: mTLS unless the lab setting says
   * otherwise, never both. Run once every layer (defaults, file, flags) is applied.
   *
   * @throws ConfigException one line saying what to set
   */
  public void checkSecurity() throws ConfigException {
    if (tls.isPresent() && plaintext) {
      throw new ConfigException(
          "peer.plaintext: true and peer.tls are both set (expected: one of them; plaintext is"
              + " for a lab)");
    }
    if (swarm() && tls.isEmpty() && !plaintext) {
      throw new ConfigException(
          "peer: the peer port needs mTLS: set peer.tls (ca, cert, key) or --peer-ca, --peer-cert,"
              + " --peer-key (see deploy/tls/README.md), or peer.plaintext: true /"
              + " --peer-plaintext for a lab");
    }
  }
}
