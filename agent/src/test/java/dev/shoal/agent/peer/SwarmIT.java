package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.tls.FleetCerts;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.FreePorts;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five {@code ./shoal agent} processes as one swarm on loopback, with mTLS from certificates that
 * {@code deploy/tls/make-certs.sh} made, the CNCF registry behind a proxy that counts the blob
 * bytes it sends: a fleet pulling one image at once fetches it from the registry about once, and an
 * agent killed with SIGKILL mid-transfer does not stop the others.
 */
@Timeout(180)
class SwarmIT {
  private static final Path ROOT =
      Path.of(System.getProperty("shoal.root", "..")).toAbsolutePath().normalize();
  private static final Pattern LISTENING =
      Pattern.compile("^shoal agent listening on (http://127\\.0\\.0\\.1:\\d+) ");
  private static final int AGENTS = 5;
  private static final String REPO = "fleet/app";

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  private CncfRegistry cncf;
  private UpstreamProxy proxy;
  private LayeredImage image;
  private List<HostPort> peerPorts;
  private final List<Process> agents = new ArrayList<>();
  private final List<URI> mirrors = new ArrayList<>();
  private FleetCerts fleet;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An address as the agents' flags write it. */
  private record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    cncf = CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")));
    image = LayeredImage.random(11, 3 << 20, 5 << 20, 2 << 20);
    image.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "v1");
    proxy = UpstreamProxy.start(cncf.baseUri());
    peerPorts = FreePorts.take(AGENTS).stream().map(p -> new HostPort("127.0.0.1", p)).toList();
    String[] hosts = new String[AGENTS];
    for (int i = 0; i < AGENTS; i++) {
      hosts[i] = "agent" + i;
    }
    fleet = FleetCerts.make(dir.resolve("tls"), hosts);
    List<CompletableFuture<URI>> ready = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      Process p = startAgent(i, "");
      agents.add(p);
      ready.add(listening(p, i));
    }
    for (CompletableFuture<URI> r : ready) {
      mirrors.add(r.get(60, TimeUnit.SECONDS));
    }
    // Formed once every agent has seen every other pass a health check over mTLS.
    for (URI mirror : mirrors) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> metric(mirror, "shoal_agent_peers_answering") == AGENTS - 1);
    }
  }

  private long metric(URI mirror, String name) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(mirror.resolve("/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body()
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElse(-1);
  }

  /** Stops agent {@code i} and starts it again with {@code javaOpts} and {@code members}. */
  private void restart(int i, String javaOpts, List<HostPort> members) throws Exception {
    agents.get(i).destroy();
    assertThat(agents.get(i).waitFor(20, TimeUnit.SECONDS)).isTrue();
    Process p = startAgent(i, javaOpts, members);
    agents.set(i, p);
    mirrors.set(i, listening(p, i).get(60, TimeUnit.SECONDS));
  }

  private Process startAgent(int i, String javaOpts) throws IOException {
    return startAgent(i, javaOpts, peerPorts);
  }

  /** Starts agent {@code i} (its ports and data as in every test), with extra JVM options. */
  private Process startAgent(int i, String javaOpts, List<HostPort> members) throws IOException {
    String peers = members.stream().map(HostPort::toString).collect(Collectors.joining(","));
    ProcessBuilder b =
        new ProcessBuilder(
            ROOT.resolve("shoal").toString(),
            "agent",
            "--listen",
            "127.0.0.1:0",
            "--control-listen",
            "127.0.0.1:0",
            "--peer-listen",
            peerPorts.get(i).toString(),
            "--peers",
            peers,
            "--peer-ca",
            fleet.ca().toString(),
            "--peer-cert",
            fleet.cert("agent" + i).toString(),
            "--peer-key",
            fleet.key("agent" + i).toString(),
            "--data",
            dir.resolve("agent" + i).toString(),
            "--upstream",
            proxy.uri().toString());
    b.environment().put("SHOAL_SKIP_BUILD", "1");
    if (!javaOpts.isEmpty()) {
      b.environment().put("SHOAL_JAVA_OPTS", javaOpts);
    }
    b.redirectError(dir.resolve("agent" + i + ".log").toFile());
    Process p = b.start();
    p.getOutputStream().close();
    return p;
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : agents) {
      p.destroy();
    }
    for (Process p : agents) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (proxy != null) {
      proxy.close();
    }
    if (cncf != null) {
      cncf.close();
    }
  }

  @Test
  void coldPullOnFiveAgentsAtOnce_fetchesTheImageFromTheRegistryAboutOnce() throws Exception {
    List<Digest> layers = image.layerDigests();
    long layerBytes = layers.stream().mapToLong(d -> image.blob(d).length).sum();
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS * layers.size());
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (URI mirror : mirrors) {
        for (Digest d : layers) {
          pulls.add(pool.submit(() -> get(mirror, d)));
        }
      }
      for (int i = 0; i < pulls.size(); i++) {
        Digest expected = layers.get(i % layers.size());
        assertThat(Digest.sha256Of(pulls.get(i).get(120, TimeUnit.SECONDS)))
            .as("agent %d", i / layers.size())
            .isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        "swarm: registry sent %d blob bytes for %d agents pulling %d bytes each (%.3f copies)%n",
        proxy.blobBytes(), AGENTS, layerBytes, proxy.blobBytes() / (double) layerBytes);
    assertThat(proxy.blobBytes())
        .as("registry blob bytes for %d agents pulling %d bytes", AGENTS, layerBytes)
        .isLessThanOrEqualTo(layerBytes + layerBytes / 10);
  }

  @Test
  void anAgentKilledMidTransfer_theOthersFinish() throws Exception {
    Digest layer = image.layerDigests().get(1);
    int home = homeOf(layer);
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(1 << 20);
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (URI mirror : mirrors) {
        pulls.add(pool.submit(() -> get(mirror, layer)));
      }
      assertThat(hold.awaitHeld(Duration.ofSeconds(30))).isTrue();
      agents.get(home).destroyForcibly(); // SIGKILL: no goodbye to anyone
      assertThat(agents.get(home).waitFor(20, TimeUnit.SECONDS)).isTrue();
      hold.release();
      for (int i = 0; i < AGENTS; i++) {
        if (i != home) {
          assertThat(Digest.sha256Of(pulls.get(i).get(120, TimeUnit.SECONDS)))
              .as("agent %d", i)
              .isEqualTo(layer);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theOriginStopsAfterTheFirstAgentFinished_theRestCompleteFromPeers() throws Exception {
    List<Digest> layers = image.layerDigests();
    // Every runtime asks for the manifest first, while the registry is up.
    for (URI mirror : mirrors) {
      assertThat(status(mirror.resolve("/v2/" + REPO + "/manifests/v1"))).isEqualTo(200);
    }
    for (Digest d : layers) {
      assertThat(Digest.sha256Of(get(mirrors.get(0), d))).isEqualTo(d);
    }
    long oneCopy = proxy.blobBytes();
    proxy.outage(UpstreamProxy.Outage.REFUSE);
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (URI mirror : mirrors.subList(1, AGENTS)) {
        for (Digest d : layers) {
          pulls.add(pool.submit(() -> get(mirror, d)));
        }
      }
      for (int i = 0; i < pulls.size(); i++) {
        assertThat(Digest.sha256Of(pulls.get(i).get(120, TimeUnit.SECONDS)))
            .as("agent %d", 1 + i / layers.size())
            .isEqualTo(layers.get(i % layers.size()));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.blobBytes()).isEqualTo(oneCopy);
  }

  @Test
  void anAgentCorruptingWhatItSends_everyPullStillEndsRight_andThatAgentIsAvoided()
      throws Exception {
    // Agent 0 pulls the image on its own (no other member), so that it alone holds it...
    List<Digest> layers = image.layerDigests();
    restart(0, "", List.of(peerPorts.get(0)));
    for (Digest d : layers) {
      assertThat(Digest.sha256Of(get(mirrors.get(0), d))).isEqualTo(d);
    }
    // ...then rejoins the swarm lying: every piece it sends to a peer has a flipped byte.
    restart(0, "-D" + Swarm.CORRUPT_PROPERTY + "=true", peerPorts);
    URI victim = mirrors.get(1);
    // Every member answering, and for longer than a probe round: a count read right after the
    // restart may still be the one from before it, with the restart's misses yet to come.
    await()
        .atMost(Duration.ofSeconds(60))
        .during(Duration.ofMillis(2500))
        .until(() -> metric(victim, "shoal_agent_peers_answering") == AGENTS - 1);
    proxy.resetCounts();
    // One agent pulls a layer while the liar is the only holder: it finds the liar's pieces
    // wrong, throws them away and gets the rest elsewhere, right at the first try.
    assertThat(Digest.sha256Of(getOnce(victim, layers.get(0)))).isEqualTo(layers.get(0));
    long rejected = metric(victim, "shoal_agent_peer_rejected_bytes_total");
    assertThat(rejected).isPositive();
    // Its next layers, which the liar holds too: it no longer asks the liar.
    for (Digest d : layers.subList(1, layers.size())) {
      assertThat(Digest.sha256Of(getOnce(victim, d))).isEqualTo(d);
    }
    assertThat(metric(victim, "shoal_agent_peer_rejected_bytes_total")).isEqualTo(rejected);
    // The others pull everything at once: every pull ends right at the first try.
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (URI mirror : mirrors.subList(2, AGENTS)) {
        for (Digest d : layers) {
          pulls.add(pool.submit(() -> getOnce(mirror, d)));
        }
      }
      for (int i = 0; i < pulls.size(); i++) {
        assertThat(Digest.sha256Of(pulls.get(i).get(120, TimeUnit.SECONDS)))
            .isEqualTo(layers.get(i % layers.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAgentRestartedMidDownload_resumesFromThePiecesItHas() throws Exception {
    Digest layer = image.layerDigests().get(1);
    long size = image.blob(layer).length;
    // Agent 0 on its own, so that the upstream is its only source and its bytes can be counted.
    restart(0, "", List.of(peerPorts.get(0)));
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(2L << 20);
    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<byte[]>> first =
        client.sendAsync(
            HttpRequest.newBuilder(mirrors.get(0).resolve("/v2/" + REPO + "/blobs/" + layer))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(hold.awaitHeld(Duration.ofSeconds(30))).isTrue();
    URI agent0 = mirrors.get(0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(agent0, "shoal_agent_upstream_bytes_total") >= 2L << 20);
    // SIGTERM mid-download, as systemd or the kubelet stop an agent for an upgrade.
    agents.get(0).destroy();
    assertThat(agents.get(0).waitFor(20, TimeUnit.SECONDS)).isTrue();
    hold.release();
    first.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    proxy.resetCounts();

    restart(0, "", List.of(peerPorts.get(0)));
    assertThat(Digest.sha256Of(getOnce(mirrors.get(0), layer))).isEqualTo(layer);
    // Only the rest came from the upstream, not the two pieces already on disk. (The proxy may
    // count a little that the first relay had in flight when the hold was released.)
    long rest = size - (2L << 20);
    assertThat(proxy.blobBytes())
        .as("upstream bytes after the restart, of %d", size)
        .isBetween(rest, rest + (256L << 10));
  }

  private int status(URI uri) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(uri)
                .header(
                    "Accept",
                    "application/vnd.oci.image.manifest.v1+json,"
                        + "application/vnd.docker.distribution.manifest.v2+json")
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** One GET, no retry: the first answer must be the whole, right blob. */
  private byte[] getOnce(URI mirror, Digest digest) throws IOException, InterruptedException {
    URI uri = mirror.resolve("/v2/" + REPO + "/blobs/" + digest);
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET %s", uri).isEqualTo(200);
    return r.body();
  }

  private int homeOf(Digest digest) {
    int best = 0;
    for (int i = 1; i < AGENTS; i++) {
      long s = score(peerPorts.get(i), digest);
      if (Long.compareUnsigned(s, score(peerPorts.get(best), digest)) > 0) {
        best = i;
      }
    }
    return best;
  }

  private static long score(HostPort hp, Digest digest) {
    return Peers.score(new dev.shoal.core.config.HostPort(hp.host(), hp.port()), digest);
  }

  private byte[] get(URI mirror, Digest digest) throws IOException, InterruptedException {
    URI uri = mirror.resolve("/v2/" + REPO + "/blobs/" + digest);
    IOException last = null;
    // A client retries a cut answer, as container runtimes do.
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        HttpResponse<byte[]> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 200) {
          return r.body();
        }
        last = new IOException("GET " + uri + ": " + r.statusCode());
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The mirror's address once agent {@code i} prints it; fails with its log's tail if it exits. */
  private CompletableFuture<URI> listening(Process p, int i) {
    Path log = dir.resolve("agent" + i + ".log");
    CompletableFuture<URI> out = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    out.complete(URI.create(m.group(1)));
                  }
                }
              } catch (IOException e) {
                // The agent is gone.
              } finally {
                out.completeExceptionally(
                    new IOException("agent" + i + " exited before listening:\n" + tail(log)));
              }
            },
            "swarm-it-stdout");
    t.setDaemon(true);
    t.start();
    return out;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
