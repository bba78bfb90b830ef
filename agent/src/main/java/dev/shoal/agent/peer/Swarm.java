package dev.shoal.agent.peer;

import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.grpc.GrpcServer;
import dev.shoal.agent.limit.RateLimit;
import dev.shoal.agent.upstream.Upstreams;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.store.ContentStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's part in the swarm, wired from its {@link PeerConfig}: the peer port (when it has
 * one), the member list (refreshed when it comes from a file or DNS) and the planner that picks a
 * blob's source. Closes in the reverse order it was built.
 */
public final class Swarm implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Swarm.class);

  /**
   * Test-only: with this system property true (e.g. in {@code SHOAL_JAVA_OPTS}) the agent corrupts
   * what it sends to peers, so that tests of separate agent processes can have a lying peer.
   */
  public static final String CORRUPT_PROPERTY = "shoal.test.corruptPeerBytes";

  /** How long a peer that failed a call is left out. */
  static final Duration DOWN_FOR = Duration.ofSeconds(10);

  /** How long peers get to answer whether they hold a blob. */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private final GrpcServer server; // null without a peer port
  private final PeerService service; // null without a peer port
  private final MembershipRefresher refresher; // null with a static member list
  private final SourcePlanner planner;

  private Swarm(
      GrpcServer server,
      PeerService service,
      MembershipRefresher refresher,
      SourcePlanner planner) {
    this.server = server;
    this.service = service;
    this.refresher = refresher;
    this.planner = planner;
  }

  /**
   * Starts the peer port and the member list.
   *
   * @throws IOException naming {@code peer.listen} when the port cannot be bound
   */
  public static Swarm start(
      PeerConfig config, ContentStore store, BlobFetches fetches, Upstreams upstreams, Clock clock)
      throws IOException {
    GrpcServer server = null;
    PeerService service = null;
    HostPort self = new HostPort("self", 0);
    if (config.listen().isPresent()) {
      service =
          new PeerService(
              store,
              fetches,
              upstreams,
              config.stall(),
              config.zone(),
              config.region(),
              RateLimit.of(config.uploadLimit()),
              clock);
      if (Boolean.getBoolean(CORRUPT_PROPERTY)) {
        log.warn(
            "TEST ONLY: this agent corrupts every piece it sends to peers ({})", CORRUPT_PROPERTY);
        service.corruptWhatItSends(true);
      }
      server =
          GrpcServer.start("peer.listen", config.listen().get(), service, PeerService.MAX_REQUEST);
      self = server.address();
    }
    MemberSource members = new MemberSource(config);
    Peers peers =
        new Peers(self, MembershipRefresher.initial(members, config.peers()), DOWN_FOR, clock);
    MembershipRefresher refresher =
        members.dynamic() ? MembershipRefresher.start(members, peers, config.refresh()) : null;
    SourcePlanner planner =
        new SourcePlanner(
            peers,
            ASK_TIMEOUT,
            config.stall(),
            config.zone(),
            config.region(),
            service == null ? null : service.holderRegistry());
    if (service != null) {
      service.usePlanner(planner);
    }
    return new Swarm(server, service, refresher, planner);
  }

  public SourcePlanner planner() {
    return planner;
  }

  /** The peer port's address, with the bound port; empty without one. */
  public Optional<HostPort> address() {
    return Optional.ofNullable(server).map(GrpcServer::address);
  }

  /** The peer port's service, for its test-only switches; empty without a peer port. */
  public Optional<PeerService> service() {
    return Optional.ofNullable(service);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (refresher != null) {
      refresher.close();
    }
    planner.close();
  }
}
