package dev.shoal.agent;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.control.ControlServer;
import dev.shoal.agent.control.ControlService;
import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.limit.RateLimit;
import dev.shoal.agent.mirror.MirrorApi;
import dev.shoal.agent.mirror.MirrorMetrics;
import dev.shoal.agent.mirror.MirrorRoutes;
import dev.shoal.agent.peer.PeerService;
import dev.shoal.agent.peer.Peers;
import dev.shoal.agent.peer.Preheater;
import dev.shoal.agent.peer.SourcePlanner;
import dev.shoal.agent.peer.Swarm;
import dev.shoal.agent.runtime.Containers;
import dev.shoal.agent.runtime.RuntimeConfig;
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
import dev.shoal.proto.control.v1.PeerState;
import dev.shoal.proto.control.v1.StatusResponse;
import dev.shoal.proto.control.v1.Transfer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's wiring, the one place its components are built: the mirror's HTTP server, the content
 * store, downloads, the swarm, the mirror API, the container runtime and the control API. {@link
 * #close()} stops them in reverse order, the HTTP server first. The process entry point is {@code
 * dev.shoal.agent.cli.ShoalCli} ({@code shoal agent}).
 */
public final class AgentMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  private final AgentConfig config;
  private final Readiness readiness;
  private final Closer owned;
  private final HttpServer server;
  private final ContentStore store;
  private final BlobFetches fetches;
  private final MirrorMetrics metrics;
  private final ControlServer control;
  private final Swarm swarm;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AgentMain(
      AgentConfig config,
      Readiness readiness,
      Closer owned,
      HttpServer server,
      ContentStore store,
      BlobFetches fetches,
      MirrorMetrics metrics,
      ControlServer control,
      Swarm swarm) {
    this.config = config;
    this.readiness = readiness;
    this.owned = owned;
    this.server = server;
    this.store = store;
    this.fetches = fetches;
    this.metrics = metrics;
    this.control = control;
    this.swarm = swarm;
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
    Upstreams upstreams = UpstreamFactory.create(config.mirror(), "shoal-agent");
    DeferredHandler mirror = new DeferredHandler("the agent is starting; retry shortly");
    MetricsRegistry registry = new MetricsRegistry();
    MirrorMetrics metrics = new MirrorMetrics(registry);
    // Listen first: /healthz answers, and /readyz says why not, while the store opens.
    HttpServer server =
        HttpServer.start(
            config.mirror().listen(), MirrorRoutes.create(readiness, mirror, registry, metrics));
    Closer owned = new Closer();
    try {
      ContentStore store = owned.add(openStore(config, clock));
      BlobFetches fetches =
          owned.add(new BlobFetches(store, RateLimit.of(config.peer().downloadLimit())));
      metrics.watch(fetches);
      StoreGauges.register(registry, "shoal_agent", store);
      Swarm swarm = owned.add(Swarm.start(config.peer(), store, fetches, upstreams, clock));
      registry.gauge(
          "shoal_agent_peers",
          "Other agents in the member list.",
          () -> swarm.planner().peers().members().size());
      registry.gauge(
          "shoal_agent_peers_answering",
          "Other agents whose last gRPC health check answered SERVING.",
          () -> swarm.planner().peers().answering());
      swarm
          .service()
          .ifPresent(
              peer -> {
                registry.gauge(
                    "shoal_agent_peer_uploads",
                    "Piece uploads to other agents in progress.",
                    peer::uploading);
                registry.counter(
                    "shoal_agent_peer_busy_refusals_total",
                    "Piece requests refused because every upload slot was in use.",
                    peer::busyRefusals);
                registry.counter(
                    "shoal_agent_peer_pieces_sent_on_total",
                    "Requests for a piece still on its way from the upstream, sent on to the agent"
                        + " that asked for it first.",
                    peer::relayed);
              });
      MirrorConfig mc = config.mirror();
      mirror.open(
          new MirrorApi(
              upstreams,
              store,
              fetches,
              swarm.planner(),
              new AccessControl(mc.authTtl(), mc.authStale(), clock),
              mc.tagTtl(),
              clock,
              metrics));
      // Containers pull through the mirror itself, over loopback, like any runtime would.
      Containers containers =
          owned.add(
              Containers.open(
                  RuntimeConfig.defaults(config.dataDir()), store, fetches, server.uri(), clock));
      ControlService service =
          owned.add(
              new ControlService(
                  store,
                  server.uri(),
                  clock.instant(),
                  status(fetches, swarm),
                  swarm.planner().peers().isEmpty() && !config.peer().dynamicMembers()
                      ? null
                      : new Preheater(swarm.planner(), upstreams, store, fetches),
                  containers));
      ControlServer control = owned.add(ControlServer.start(config.control().listen(), service));
      // Added last, closed first: no request reaches a component that is closing.
      owned.add(server);
      readiness.ready();
      log.info(
          "agent ready listen={} control={} peer={} upstreams={} data={}",
          server.uri(),
          control.address(),
          swarm.address().map(HostPort::toString).orElse("none"),
          upstreams.all(),
          config.dataDir());
      return new AgentMain(
          config, readiness, owned, server, store, fetches, metrics, control, swarm);
    } catch (IOException | RuntimeException e) {
      owned.close();
      server.close();
      throw e;
    }
  }

  private static ContentStore openStore(AgentConfig config, Clock clock) throws IOException {
    try {
      return ContentStore.open(config.store(), clock);
    } catch (IOException e) {
      throw new IOException(
          "cannot open the content store in " + config.dataDir() + ": " + e.getMessage(), e);
    }
  }

  /** What the downloads and the swarm add to {@code shoal status}. */
  private static Consumer<StatusResponse.Builder> status(BlobFetches fetches, Swarm swarm) {
    return status -> {
      status.setTransfersInFlight(fetches.inFlight());
      for (BlobFetch f : fetches.inFlightFetches()) {
        status.addTransfers(
            Transfer.newBuilder()
                .setDigest(f.digest().toString())
                .setSize(f.size())
                .setBytesDone(f.writtenBytes())
                .putAllBytesBySource(f.bytesBySource()));
      }
      status.putAllFetchedBytes(fetches.bytesBySource());
      swarm.planner().peers().members().forEach(p -> status.addPeers(p.toString()));
      status.setPeersAnswering(swarm.planner().peers().answering());
      for (Peers.MemberState m : swarm.planner().peers().states()) {
        status.addPeerStates(
            PeerState.newBuilder()
                .setAddress(m.address().toString())
                .setState(m.state().name().toLowerCase(java.util.Locale.ROOT))
                .setDetail(m.detail()));
      }
      swarm.address().ifPresent(a -> status.setPeerAddress(a.toString()));
    };
  }

  /** The mirror's base URL, with the bound port. */
  public URI uri() {
    return server.uri();
  }

  /** Where the peer port listens, with the bound port; empty without one. */
  public Optional<HostPort> peerAddress() {
    return swarm.address();
  }

  /** The peer port's service, for its test-only switches; empty without a peer port. */
  public Optional<PeerService> peerService() {
    return swarm.service();
  }

  /** Where this agent's missing blobs come from: peers, homes, the upstream. */
  public SourcePlanner planner() {
    return swarm.planner();
  }

  /** The swarm's members as this agent sees them: which answer, which are a blob's home. */
  public Peers peers() {
    return swarm.planner().peers();
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

  /**
   * Reports not-ready, stops serving (HTTP, control, peers), ends the downloads keeping their
   * pieces, then closes the store. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("agent stopping");
    readiness.notReady("shutting down");
    owned.close();
    log.info("agent stopped");
  }
}
