package dev.shoal.origin;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.distribution.DeferredHandler;
import dev.shoal.core.http.HttpServer;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.metrics.MetricsRegistry;
import dev.shoal.core.registry.RegistryClientTuning;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.admin.AdminApi;
import dev.shoal.origin.api.ApiMetrics;
import dev.shoal.origin.api.ApiRoutes;
import dev.shoal.origin.api.UploadArea;
import dev.shoal.origin.api.UploadSweeper;
import dev.shoal.origin.auth.Accounts;
import dev.shoal.origin.auth.Authorizer;
import dev.shoal.origin.auth.PublicRepositories;
import dev.shoal.origin.auth.SigningKeys;
import dev.shoal.origin.auth.TokenConfig;
import dev.shoal.origin.auth.TokenEndpoint;
import dev.shoal.origin.auth.TokenService;
import dev.shoal.origin.config.OriginConfig;
import dev.shoal.origin.events.EventServer;
import dev.shoal.origin.events.EventService;
import dev.shoal.origin.meta.RegistryMetadata;
import dev.shoal.origin.meta.RocksRegistryMetadata;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The origin's entry point ({@code shoal origin}) and its wiring, the one place its components are
 * built: config, then the content store and the registry API's HTTP server. {@link #close()} stops
 * them in reverse order.
 */
public final class OriginMain implements AutoCloseable {
  private static final String STARTING = "the origin is starting; retry shortly";

  private static final Logger log = LoggerFactory.getLogger(OriginMain.class);

  private final OriginConfig config;
  private final Readiness readiness;
  private final HttpServer server;
  private final ContentStore store;
  private final RegistryMetadata meta;
  private final ApiMetrics metrics;
  private final EventServer events;
  private final UploadSweeper sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OriginMain(
      OriginConfig config,
      Readiness readiness,
      HttpServer server,
      ContentStore store,
      RegistryMetadata meta,
      ApiMetrics metrics,
      EventServer events,
      UploadSweeper sweeper) {
    this.config = config;
    this.readiness = readiness;
    this.server = server;
    this.store = store;
    this.meta = meta;
    this.metrics = metrics;
    this.events = events;
    this.sweeper = sweeper;
  }

  /** Where the event stream listens, with the bound port. */
  public HostPort eventsAddress() {
    return events.address();
  }

  /** The registry API's counters. */
  public ApiMetrics metrics() {
    return metrics;
  }

  /**
   * Removes idle upload sessions now, whatever the schedule (see {@link UploadSweeper}), and
   * returns how many it removed.
   */
  public int sweepUploads() throws IOException {
    return sweeper.sweep();
  }

  public static void main(String[] args) {
    RegistryClientTuning.apply();
    System.exit(commandLine(Environment.system()).execute(args));
  }

  /** The {@code shoal origin} command line, with its error handling. */
  static CommandLine commandLine(Environment env) {
    return CliErrors.configure(new CommandLine(new OriginCommand(env)));
  }

  /**
   * Starts an origin and returns once it is ready to serve.
   *
   * @throws IOException naming the address or directory that could not be used
   */
  public static OriginMain start(OriginConfig config, Clock clock) throws IOException {
    return start(config, clock, Map.of(), System.out);
  }

  /**
   * Starts an origin; on a first start with no accounts it creates {@code admin} with the password
   * in {@code env}'s {@code SHOAL_ADMIN_PASSWORD}, or a generated one printed once to {@code out}.
   */
  public static OriginMain start(
      OriginConfig config, Clock clock, Map<String, String> env, PrintStream out)
      throws IOException {
    requireNonNull(config, "config");
    requireNonNull(clock, "clock");
    Readiness readiness = new Readiness();
    readiness.notReady("opening the content store");
    // Listen first: /healthz answers, and /readyz says why not, while the stores open.
    DeferredHandler api = new DeferredHandler(STARTING);
    DeferredHandler token = new DeferredHandler(STARTING);
    DeferredHandler admin = new DeferredHandler(STARTING);
    MetricsRegistry registry = new MetricsRegistry();
    ApiMetrics metrics = new ApiMetrics(registry);
    HttpServer server =
        HttpServer.start(
            config.api().listen(),
            ApiRoutes.create(readiness, api, token, admin, registry, metrics));
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
    RocksRegistryMetadata meta;
    try {
      meta = RocksRegistryMetadata.open(config.dataDir().resolve("meta"), clock);
    } catch (IOException | RuntimeException e) {
      store.close();
      server.close();
      throw new IOException(
          "cannot open the registry metadata in " + config.dataDir() + ": " + e.getMessage(), e);
    }
    EventServer events;
    UploadSweeper sweeper;
    try {
      Path authDir = config.dataDir().resolve("auth");
      TokenConfig tokenConfig = TokenConfig.defaults();
      SigningKeys keys =
          SigningKeys.open(authDir.resolve("keys"), tokenConfig.keyRetention(), clock);
      Accounts accounts = Accounts.open(authDir);
      accounts.bootstrap(env, out);
      PublicRepositories publicRepos = PublicRepositories.open(authDir);
      TokenService tokens = new TokenService(keys, accounts, publicRepos, tokenConfig, clock);
      Authorizer authorizer = new Authorizer(tokens, accounts, server.uri() + TokenEndpoint.PATH);
      ApiRoutes.openAuth(
          token,
          admin,
          tokens,
          new AdminApi(authorizer, accounts, publicRepos, tokens, keys, meta));
      UploadArea uploads = UploadArea.open(config.dataDir().resolve("uploads"));
      ApiRoutes.open(api, store, meta, uploads, clock, metrics, authorizer);
      sweeper = new UploadSweeper(meta, uploads, clock, config.api().uploadTtl(), metrics);
      EventService eventService = new EventService(meta);
      OriginGauges.register(registry, store, meta, eventService);
      // Last: from here on nothing fails, so the event server needs no closing below.
      events = EventServer.start(config.events().listen(), eventService);
      sweeper.start();
    } catch (IOException | RuntimeException e) {
      meta.close();
      store.close();
      server.close();
      throw e;
    }
    readiness.ready();
    log.info(
        "origin ready listen={} events={} data={}",
        server.uri(),
        events.address(),
        config.dataDir());
    return new OriginMain(config, readiness, server, store, meta, metrics, events, sweeper);
  }

  /** The registry API's base URL, with the bound port. */
  public URI uri() {
    return server.uri();
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
    log.info("origin stopping");
    readiness.notReady("shutting down");
    sweeper.close();
    events.close();
    server.close();
    meta.close();
    try {
      AutoCloseable closeable = store;
      closeable.close();
    } catch (Exception e) {
      // Nothing more can be done at shutdown; the store recovers on its next open.
      log.error("closing the content store failed data={}", config.dataDir(), e);
    }
    log.info("origin stopped");
  }
}
