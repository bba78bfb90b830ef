package dev.shoal.agent.peer;

import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.grpc.GrpcServer;
import dev.shoal.agent.limit.RateLimit;
import dev.shoal.agent.tls.FleetTls;
import dev.shoal.agent.upstream.Upstreams;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.store.ContentStore;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's part in the swarm, wired from its {@link PeerConfig}: the peer port (when it has one)
 * with mTLS and a gRPC health service, the member list (refreshed when it comes from a file or
 * DNS), the health checks of the members, and the planner that picks a blob's source. Closes in the
 * reverse order it was built.
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

  /** How often the TLS files are checked for a renewal. */
  static final Duration TLS_RELOAD = Duration.ofSeconds(30);

  private final GrpcServer server; // null without a peer port
  private final PeerService service; // null without a peer port
  private final HealthStatusManager health;
  private final ScheduledExecutorService timer;
  private final HealthProbe probe;
  private final MembershipRefresher refresher; // null with a static member list
  private final SourcePlanner planner;

  private Swarm(
      GrpcServer server,
      PeerService service,
      HealthStatusManager health,
      ScheduledExecutorService timer,
      HealthProbe probe,
      MembershipRefresher refresher,
      SourcePlanner planner) {
    this.server = server;
    this.service = service;
    this.health = health;
    this.timer = timer;
    this.probe = probe;
    this.refresher = refresher;
    this.planner = planner;
  }

  /**
   * Starts the peer port and the member list.
   *
   * @throws IOException naming {@code peer.listen} when the port cannot be bound, or the setting at
   *     fault when the swarm is not secured or its TLS files cannot be used
   */
  public static Swarm start(
      PeerConfig config, ContentStore store, BlobFetches fetches, Upstreams upstreams, Clock clock)
      throws IOException {
    try {
      config.checkSecurity();
    } catch (ConfigException e) {
      throw new IOException(e.getMessage(), e);
    }
    Optional<FleetTls> tls =
        config.tls().isPresent()
            ? Optional.of(FleetTls.load(config.tls().get()))
            : Optional.empty();
    Optional<SslContext> clientTls =
        tls.isPresent() ? Optional.of(tls.get().clientContext()) : Optional.empty();
    GrpcServer server = null;
    PeerService service = null;
    UpstreamShare share = null;
    HealthStatusManager health = new HealthStatusManager();
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
      share = new UpstreamShare(fetches);
      service.shareUpstream(share);
      if (Boolean.getBoolean(CORRUPT_PROPERTY)) {
        log.warn(
            "TEST ONLY: this agent corrupts every piece it sends to peers ({})", CORRUPT_PROPERTY);
        service.corruptWhatItSends(true);
      }
      health.setStatus(PeerClient.HEALTH_SERVICE, ServingStatus.SERVING);
      server =
          GrpcServer.start(
              "peer.listen",
              config.listen().get(),
              List.of(service.reportingLoad(), health.getHealthService()),
              PeerService.MAX_REQUEST,
              tls.isPresent() ? Optional.of(tls.get().serverContext()) : Optional.empty());
      self = server.address();
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shoal-peer-health");
              t.setDaemon(true);
              return t;
            });
    tls.ifPresent(
        t ->
            timer.scheduleWithFixedDelay(
                t::reloadIfChanged,
                TLS_RELOAD.toMillis(),
                TLS_RELOAD.toMillis(),
                TimeUnit.MILLISECONDS));
    MemberSource members = new MemberSource(config);
    Peers peers =
        new Peers(
            self, MembershipRefresher.initial(members, config.peers()), clientTls, DOWN_FOR, clock);
    HealthProbe probe = new HealthProbe(peers, config.healthInterval(), timer);
    MembershipRefresher refresher =
        members.dynamic() ? MembershipRefresher.start(members, peers, config.refresh()) : null;
    SourcePlanner planner =
        new SourcePlanner(
            peers,
            ASK_TIMEOUT,
            config.stall(),
            config.zone(),
            config.region(),
            service == null ? null : service.holderRegistry(),
            share);
    if (service != null) {
      service.usePlanner(planner);
    }
    return new Swarm(server, service, health, timer, probe, refresher, planner);
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
    // Health first: members probing now see NOT_SERVING and stop choosing this agent.
    health.enterTerminalState();
    if (server != null) {
      server.close();
    }
    if (refresher != null) {
      refresher.close();
    }
    probe.close();
    timer.shutdownNow();
    planner.close();
  }
}
