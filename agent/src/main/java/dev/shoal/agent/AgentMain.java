package dev.shoal.agent;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.control.ControlServer;
import dev.shoal.agent.control.ControlService;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.grpc.GrpcServer;
import dev.shoal.agent.mirror.MirrorApi;
import dev.shoal.agent.mirror.MirrorMetrics;
import dev.shoal.agent.mirror.MirrorRoutes;
import dev.shoal.agent.peer.MemberSource;
import dev.shoal.agent.peer.MembershipRefresher;
import dev.shoal.agent.peer.PeerService;
import dev.shoal.agent.peer.Peers;
import dev.shoal.agent.peer.SourcePlanner;
import dev.shoal.agent.upstream.AccessControl;
import dev.shoal.agent.upstream.UpstreamFactory;
import dev.shoal.agent.upstream.Upstreams;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.distribution.DeferredHandler;
import dev.shoal.core.http.HttpServer;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.metrics.MetricsRegistry;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.StoreGauges;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's wiring, the one place its components are built: config, then the content store and
 * the mirror's HTTP server. {@link #close()} stops them in reverse order. The process entry point
 * is {@code dev.shoal.agent.cli.ShoalCli} ({@code shoal agent}).
 */
public final class AgentMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  /** How long a peer that failed a call is left out of the swarm. */
  private static final Duration PEER_DOWN_FOR = Duration.ofSeconds(10);

  /** How long peers get to answer whether they hold a blob. */
  private static final Duration PEER_ASK_TIMEOUT = Duration.ofSeconds(2);

  private final AgentConfig config;
  private final Readiness readiness;
  private final HttpServer server;
  private final ContentStore store;
  private final BlobFetches fetches;
  private final MirrorMetrics metrics;
  private final ControlServer control;
  private final GrpcServer peerServer; // null without a peer port
  private final PeerService peerService; // null without a peer port
  private final MembershipRefresher refresher; // null with a static member list
  private final SourcePlanner planner;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AgentMain(
      AgentConfig config,
      Readiness readiness,
      HttpServer server,
      ContentStore store,
      BlobFetches fetches,
      MirrorMetrics metrics,
      ControlServer control,
      GrpcServer peerServer,
      PeerService peerService,
      MembershipRefresher refresher,
      SourcePlanner planner) {
    this.config = config;
    this.readiness = readiness;
    this.server = server;
    this.store = store;
    this.fetches = fetches;
    this.metrics = metrics;
    this.control = control;
    this.peerServer = peerServer;
    this.peerService = peerService;
    this.refresher = refresher;
    this.planner = planner;
  }

  /**
   * Starts an agent and returns once it is ready to serve.
   *
   * @throws IOException naming the address or directory that could not be used
   */
  public static AgentMain start(AgentConfig config, Clock clock) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(clock, "clock");
    Readiness readiness = new Readiness();
    readiness.notReady("opening the content store");
    // Listen first: /healthz answers, and /readyz says why not, while the store opens.
    Upstreams upstreams = UpstreamFactory.create(config.mirror(), "shoal-agent");
    DeferredHandler mirror = new DeferredHandler("the agent is starting; retry shortly");
    MetricsRegistry registry = new MetricsRegistry();
    MirrorMetrics metrics = new MirrorMetrics(registry);
    HttpServer server =
        HttpServer.start(
            config.mirror().listen(), MirrorRoutes.create(readiness, mirror, registry, metrics));
    ContentStore store;
    try {
      store = ContentStore.open(config.store(), clock);
    } catch (IOException e) {
      server.close();
      throw new IOException(
          "cannot open the content store in " + config.dataDir() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    BlobFetches fetches = new BlobFetches(store);
    metrics.watch(fetches);
    StoreGauges.register(registry, "shoal_agent", store);
    GrpcServer peerServer = null;
    PeerService peerService = null;
    MembershipRefresher refresher = null;
    SourcePlanner planner;
    try {
      PeerConfig pc = config.peer();
      HostPort self = new HostPort("self", 0);
      if (pc.listen().isPresent()) {
        peerService =
            new PeerService(store, fetches, upstreams, pc.stall(), pc.zone(), pc.region());
        peerServer =
            GrpcServer.start(
                "peer.listen", pc.listen().get(), peerService, PeerService.MAX_REQUEST);
        self = peerServer.address();
      }
      MemberSource members = new MemberSource(pc);
      Peers peers =
          new Peers(self, MembershipRefresher.initial(members, pc.peers()), PEER_DOWN_FOR, clock);
      if (members.dynamic()) {
        refresher = MembershipRefresher.start(members, peers, pc.refresh());
      }
      planner = new SourcePlanner(peers, PEER_ASK_TIMEOUT, pc.stall(), pc.zone(), pc.region());
    } catch (IOException | RuntimeException e) {
      server.close();
      fetches.close();
      store.close();
      throw e;
    }
    HostPort peerAddress = peerServer == null ? null : peerServer.address();
    Peers members = planner.peers();
    MirrorConfig mc = config.mirror();
    mirror.open(
        new MirrorApi(
            upstreams,
            store,
            fetches,
            planner,
            new AccessControl(mc.authTtl(), mc.authStale(), clock),
            mc.tagTtl(),
            clock,
            metrics));
    ControlServer control;
    try {
      control =
          ControlServer.start(
              config.control().listen(),
              new ControlService(
                  store,
                  server.uri(),
                  clock.instant(),
                  status -> {
                    status.setTransfersInFlight(fetches.inFlight());
                    status.putAllFetchedBytes(fetches.bytesBySource());
                    members.members().forEach(p -> status.addPeers(p.toString()));
                    if (peerAddress != null) {
                      status.setPeerAddress(peerAddress.toString());
                    }
                  }));
    } catch (IOException | RuntimeException e) {
      if (peerServer != null) {
        peerServer.close();
      }
      if (refresher != null) {
        refresher.close();
      }
      planner.close();
      server.close();
      fetches.close();
      store.close();
      throw e;
    }
    readiness.ready();
    log.info(
        "agent ready listen={} control={} upstreams={} data={}",
        server.uri(),
        control.address(),
        upstreams.all(),
        config.dataDir());
    return new AgentMain(
        config,
        readiness,
        server,
        store,
        fetches,
        metrics,
        control,
        peerServer,
        peerService,
        refresher,
        planner);
  }

  /** The mirror's base URL, with the bound port. */
  public URI uri() {
    return server.uri();
  }

  /** Where the peer port listens, with the bound port; empty without one. */
  public Optional<HostPort> peerAddress() {
    return Optional.ofNullable(peerServer).map(GrpcServer::address);
  }

  /** The peer port's service, for its test-only switches; empty without a peer port. */
  public Optional<PeerService> peerService() {
    return Optional.ofNullable(peerService);
  }

  /** Where the control API listens, with the bound port. */
  public HostPort controlAddress() {
    return control.address();
  }

  /** The mirror's counters. */
  public MirrorMetrics metrics() {
    return metrics;
  }

  /** The downloads in flight. */
  public BlobFetches fetches() {
    return fetches;
  }

  public ContentStore store() {
    return store;
  }

  public Path dataDir() {
    return config.dataDir();
  }

  /** Reports not-ready, stops accepting and serving, then closes the store. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("agent stopping");
    readiness.notReady("shutting down");
    control.close();
    server.close();
    if (peerServer != null) {
      peerServer.close();
    }
    if (refresher != null) {
      refresher.close();
    }
    planner.close();
    fetches.close();
    try {
      AutoCloseable closeable = store;
      closeable.close();
    } catch (Exception e) {
      // Nothing more can be done at shutdown; the store recovers on its next open.
      log.error("closing the content store failed data={}", config.dataDir(), e);
    }
    log.info("agent stopped");
  }
}
