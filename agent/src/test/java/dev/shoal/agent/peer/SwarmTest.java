package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.control.ControlClient;
import dev.shoal.agent.tls.FleetCerts;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.FreePorts;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import dev.shoal.proto.control.v1.PreheatRequest;
import dev.shoal.proto.control.v1.PreheatResponse;
import dev.shoal.proto.control.v1.PreheatedBlob;
import dev.shoal.proto.control.v1.StatusRequest;
import dev.shoal.proto.control.v1.StatusResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several agents as one swarm on loopback with mTLS (certificates from {@code
 * deploy/tls/make-certs.sh}), in front of the CNCF registry, with the upstream's blob bytes counted
 * by a proxy outside the agents: peers before the origin.
 */
class SwarmTest {
  private static final int AGENTS = 4;
  private static final String REPO = "demo/app";

  @TempDir static Path certs;
  private static FleetCerts fleet;

  @TempDir Path dir;
  private CncfRegistry cncf;
  private UpstreamProxy proxy;
  private LayeredImage image;
  private final List<AgentMain> agents = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void makeCertificates() throws Exception {
    fleet = FleetCerts.make(certs, hosts());
  }

  /** A certificate per agent, named agent0…: peers are dialled by IP, which no name matches. */
  private static String[] hosts() {
    String[] hosts = new String[AGENTS];
    for (int i = 0; i < AGENTS; i++) {
      hosts[i] = "agent" + i;
    }
    return hosts;
  }

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    cncf = CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")));
    image = LayeredImage.sample(7);
    image.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "v1");
    proxy = UpstreamProxy.start(cncf.baseUri());
    List<HostPort> peerPorts =
        FreePorts.take(AGENTS).stream().map(p -> new HostPort("127.0.0.1", p)).toList();
    for (int i = 0; i < AGENTS; i++) {
      agents.add(
          AgentMain.start(
              AgentConfig.defaults(dir.resolve("agent" + i))
                  .withMirror(
                      MirrorConfig.defaults()
                          .withListen(new HostPort("127.0.0.1", 0))
                          .withUpstream(proxy.uri()))
                  .withControl(new ControlConfig(new HostPort("127.0.0.1", 0)))
                  .withPeer(
                      PeerConfig.defaults()
                          .withListen(peerPorts.get(i))
                          .withPeers(peerPorts)
                          .withTls(fleet.files("agent" + i))
                          .withLocation(i < AGENTS / 2 ? "zone-a" : "zone-b", "region-1")),
              Clock.systemUTC()));
    }
    // The swarm has formed once every agent has seen every other answer its health check (an
    // agent started before another first saw it down); until then homes may differ.
    for (AgentMain a : agents) {
      await().atMost(Duration.ofSeconds(30)).until(() -> a.peers().answering() == AGENTS - 1);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (AgentMain a : agents) {
      a.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (cncf != null) {
      cncf.close();
    }
  }

  @Test
  void coldPullOnEveryAgentAtOnce_fetchesEachLayerFromTheUpstreamOnce() throws Exception {
    List<Digest> layers = image.layers().stream().map(l -> l.descriptor().digest()).toList();
    long imageBytes = image.layers().stream().mapToLong(l -> l.blob().length).sum();

    List<byte[]> bodies = pullEverywhere(layers);

    for (int i = 0; i < bodies.size(); i++) {
      Digest expected = layers.get(i % layers.size());
      assertThat(Digest.sha256Of(bodies.get(i)))
          .as("agent %d", i / layers.size())
          .isEqualTo(expected);
    }
    assertThat(proxy.blobBytes())
        .as("blob bytes the upstream sent for %d agents", AGENTS)
        .isEqualTo(imageBytes);
    long fromPeers = agents.stream().mapToLong(a -> a.fetches().bytesFromPeers()).sum();
    assertThat(fromPeers).isEqualTo((AGENTS - 1) * imageBytes);

    // Where each agent's bytes came from, as `shoal status` shows it.
    long fromUpstream = 0;
    for (AgentMain a : agents) {
      try (ControlClient control = new ControlClient(a.controlAddress())) {
        StatusResponse status = control.call().status(StatusRequest.getDefaultInstance());
        assertThat(status.getPeersList()).hasSize(AGENTS - 1);
        assertThat(status.getPeerAddress()).isEqualTo(a.peerAddress().orElseThrow().toString());
        long total = status.getFetchedBytesMap().values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isEqualTo(imageBytes);
        fromUpstream +=
            status.getFetchedBytesMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith("upstream "))
                .mapToLong(java.util.Map.Entry::getValue)
                .sum();
      }
    }
    assertThat(fromUpstream).isEqualTo(imageBytes);
  }

  @Test
  void homePeerDyingMidTransfer_theOthersFinishFromTheUpstream() throws Exception {
    Digest layer = image.layers().get(1).descriptor().digest();
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(64 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (AgentMain a : agents) {
        pulls.add(pool.submit(() -> get(a, layer)));
      }
      assertThat(hold.awaitHeld(Duration.ofSeconds(20))).isTrue();
      // The one agent downloading from the upstream is the layer's home: it goes away.
      AgentMain home = agents.get(homeOf(layer));
      home.close();
      hold.release();
      for (int i = 0; i < agents.size(); i++) {
        if (agents.get(i) == home) {
          continue;
        }
        byte[] body = pulls.get(i).get(60, TimeUnit.SECONDS);
        assertThat(Digest.sha256Of(body)).isEqualTo(layer);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPieceOnItsWayFromTheUpstream_goesToItsFirstAsker_andTheOthersAreSentThere()
      throws Exception {
    LayeredImage.Layer layer = image.layers().get(1);
    Digest digest = layer.descriptor().digest();
    long size = layer.blob().length;
    AgentMain home = agents.get(homeOf(digest));
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(64 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (AgentMain a : agents) {
        pulls.add(pool.submit(() -> get(a, digest)));
      }
      assertThat(hold.awaitHeld(Duration.ofSeconds(20))).isTrue();
      // Every other agent asks the home for the first piece while it is still on its way: the
      // first asker gets it, the others are sent to that one.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> home.peerService().orElseThrow().relayed() >= AGENTS - 2);
      hold.release();
      for (Future<byte[]> f : pulls) {
        assertThat(Digest.sha256Of(f.get(60, TimeUnit.SECONDS))).isEqualTo(digest);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.blobBytes()).isEqualTo(size);
    String fromHome = "peer " + home.peerAddress().orElseThrow();
    long homeSent = 0;
    long peersSent = 0;
    for (AgentMain a : agents) {
      if (a == home) {
        continue;
      }
      try (ControlClient control = new ControlClient(a.controlAddress())) {
        StatusResponse status = control.call().status(StatusRequest.getDefaultInstance());
        for (var e : status.getFetchedBytesMap().entrySet()) {
          if (e.getKey().equals(fromHome)) {
            homeSent += e.getValue();
          } else if (e.getKey().startsWith("peer ")) {
            peersSent += e.getValue();
          }
        }
      }
    }
    // How many bytes then came from the first askers depends on timing: a downloader with nothing
    // else to ask asks the home again after its endgame patience.
    assertThat(homeSent + peersSent).isEqualTo((AGENTS - 1) * size);
  }

  @Test
  void aFirstHomeReadingOneBlobFromTheUpstream_leavesAnotherToTheNextHome() throws Exception {
    int[] sizes = new int[8];
    java.util.Arrays.fill(sizes, 256 << 10);
    LayeredImage many = LayeredImage.random(31, sizes);
    many.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "many");
    // Two layers with the same first home: eight layers on four agents always have such a pair.
    Map<Integer, Digest> byHome = new java.util.HashMap<>();
    Digest first = null;
    Digest second = null;
    for (Digest d : many.layerDigests()) {
      Digest earlier = byHome.putIfAbsent(homeOf(d), d);
      if (earlier != null) {
        first = earlier;
        second = d;
        break;
      }
    }
    assertThat(second).isNotNull();
    AgentMain home = agents.get(homeOf(first));
    AgentMain next = agentAt(home.peers().ranking(second).get(1));
    Digest a = first;
    Digest b = second;
    proxy.resetCounts();
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(64 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS + 1);
    try {
      Future<byte[]> firstPull = pool.submit(() -> get(home, a));
      assertThat(hold.awaitHeld(Duration.ofSeconds(20))).isTrue();
      // The home is reading the first blob from the upstream; now everyone wants the second.
      List<Future<byte[]>> pulls = everyonePulls(pool, b);
      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.blobGets() >= 2);
      hold.release();

      assertThat(Digest.sha256Of(firstPull.get(60, TimeUnit.SECONDS))).isEqualTo(a);
      assertAllGot(pulls, b);
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.gets("/v2/" + REPO + "/blobs/" + b))
        .as("upstream reads of the second")
        .isOne();
    assertThat(home.fetches().bytesFromUpstream()).isEqualTo(many.blob(a).length);
    assertThat(next.fetches().bytesFromUpstream()).isEqualTo(many.blob(b).length);
  }

  @Test
  void aBlobWhoseFirstTwoMembersReadOthers_goesToTheThird() throws Exception {
    int[] sizes = new int[24];
    java.util.Arrays.fill(sizes, 64 << 10);
    LayeredImage many = LayeredImage.random(37, sizes);
    many.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "busy");
    // Layers a and b whose first members rank first and second for a third layer, c.
    Digest a = null;
    Digest b = null;
    Digest c = null;
    search:
    for (Digest x : many.layerDigests()) {
      List<HostPort> rank = agents.get(0).peers().ranking(x);
      for (Digest y : many.layerDigests()) {
        for (Digest z : many.layerDigests()) {
          if (x.equals(y) || x.equals(z) || y.equals(z)) {
            continue;
          }
          List<HostPort> rz = agents.get(0).peers().ranking(z);
          if (agents.get(0).peers().ranking(y).get(0).equals(rz.get(1))
              && rank.get(0).equals(rz.get(0))) {
            a = x;
            b = y;
            c = z;
            break search;
          }
        }
      }
    }
    assertThat(c).as("a fitting trio among 24 layers").isNotNull();
    List<HostPort> rankOfC = agents.get(0).peers().ranking(c);
    AgentMain first = agentAt(rankOfC.get(0));
    AgentMain second = agentAt(rankOfC.get(1));
    AgentMain third = agentAt(rankOfC.get(2));
    Digest da = a;
    Digest db = b;
    Digest dc = c;
    proxy.resetCounts();
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(16 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS + 2);
    try {
      Future<byte[]> pullA = pool.submit(() -> get(first, da));
      Future<byte[]> pullB = pool.submit(() -> get(second, db));
      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.blobGets() >= 2);
      // The first two members of c each read another blob from the upstream; everyone wants c.
      List<Future<byte[]>> pulls = everyonePulls(pool, dc);
      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.blobGets() >= 3);
      hold.release();

      assertThat(Digest.sha256Of(pullA.get(60, TimeUnit.SECONDS))).isEqualTo(da);
      assertThat(Digest.sha256Of(pullB.get(60, TimeUnit.SECONDS))).isEqualTo(db);
      assertAllGot(pulls, dc);
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.gets("/v2/" + REPO + "/blobs/" + dc)).as("upstream reads of c").isOne();
    assertThat(first.fetches().bytesFromUpstream()).isEqualTo(many.blob(da).length);
    assertThat(second.fetches().bytesFromUpstream()).isEqualTo(many.blob(db).length);
    assertThat(third.fetches().bytesFromUpstream()).isEqualTo(many.blob(dc).length);
  }

  @Test
  void aPeerSendingWrongBytes_pullsStillEndRight_andThatPeerIsAvoided() throws Exception {
    List<Digest> layers = image.layers().stream().map(l -> l.descriptor().digest()).toList();
    AgentMain liar = agents.get(0);
    // Only the liar holds the first two layers.
    for (LayeredImage.Layer l : image.layers().subList(0, 2)) {
      hold(liar, l);
    }
    liar.peerService().orElseThrow().corruptWhatItSends(true);
    proxy.resetCounts();

    // The first layer: an agent asks the only one that holds it, finds its piece wrong against
    // the piece table, throws it away and gets the rest from the upstream: right at the first try.
    AgentMain victim = agents.get(1);
    Digest first = layers.get(0);
    assertThat(Digest.sha256Of(get(victim, first))).isEqualTo(first);
    assertThat(victim.fetches().bytesFromUpstream()).isPositive();
    String fromLiar = "peer " + liar.peerAddress().orElseThrow();
    assertThat(victim.fetches().bytesBySource()).doesNotContainKey(fromLiar);
    long rejected = victim.fetches().bytesRejectedBySource().getOrDefault(fromLiar, 0L);
    assertThat(rejected).isPositive();
    // The second layer, which the liar holds too: that agent no longer asks it, and gets it right
    // at the first try from an honest agent or the upstream (no byte of it read twice).
    Digest second = layers.get(1);
    proxy.resetCounts();
    assertThat(Digest.sha256Of(get(victim, second))).isEqualTo(second);
    assertThat(victim.fetches().bytesBySource()).doesNotContainKey(fromLiar);
    assertThat(victim.fetches().bytesRejectedBySource()).containsEntry(fromLiar, rejected);
    assertThat(proxy.blobBytes()).isLessThanOrEqualTo(image.blob(second).length);
  }

  @Test
  void aBlobHeldBySeveralPeers_comesInPiecesFromAllOfThemAtOnce() throws Exception {
    LayeredImage big = LayeredImage.random(21, (8 << 20) + 12345);
    big.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "big");
    Digest digest = big.layerDigests().get(0);
    byte[] blob = big.blob(digest);
    // Two holders in zone-a; the reader is in zone-b: both are as near.
    List<AgentMain> holders = agents.subList(0, 2);
    for (AgentMain h : holders) {
      h.store().put(digest, new java.io.ByteArrayInputStream(blob), blob.length, "x");
    }
    proxy.resetCounts();
    AgentMain reader = agents.get(2);

    assertThat(Digest.sha256Of(get(reader, digest))).isEqualTo(digest);

    Map<String, Long> from = reader.fetches().bytesBySource();
    for (AgentMain h : holders) {
      assertThat(from.getOrDefault("peer " + h.peerAddress().orElseThrow(), 0L))
          .as("bytes from %s", h.peerAddress().orElseThrow())
          .isPositive();
    }
    assertThat(from.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(blob.length);
    assertThat(proxy.blobBytes()).isZero();
  }

  @Test
  void aBusyPeer_isAskedAgainAfterAPause_notInALoop_andServesOnceFree() throws Exception {
    LayeredImage.Layer layer = image.layers().get(1);
    Digest digest = layer.descriptor().digest();
    AgentMain holder = agents.get(0);
    AgentMain reader = agents.get(1);
    hold(holder, layer);
    PeerService busy = holder.peerService().orElseThrow();
    busy.occupyUploadSlots(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<byte[]> pull = pool.submit(() -> get(reader, digest));
      await().atMost(Duration.ofSeconds(20)).until(() -> busy.busyRefusals() > 0);
      long before = busy.busyRefusals();
      Thread.sleep(1000);
      long inASecond = busy.busyRefusals() - before;
      busy.occupyUploadSlots(false);

      assertThat(Digest.sha256Of(pull.get(60, TimeUnit.SECONDS))).isEqualTo(digest);
      // Each refusal pauses the reader's requests to that peer: a few per pause, not one per
      // turn of its loop (thousands a second before the pause was honoured).
      long perPause = SwarmDownload.PER_PEER;
      long pauses = 1000 / SwarmDownload.BUSY_PAUSE.toMillis() + 1;
      assertThat(inASecond).isLessThanOrEqualTo(perPause * pauses);
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.blobBytes()).as("the busy peer, not the upstream, served it").isZero();
  }

  @Test
  void inALargeFleet_aPullAsksTheHomeOnly_andStillFindsTheBlobOnAPeer() throws Exception {
    LayeredImage.Layer layer = image.layers().get(0);
    Digest digest = layer.descriptor().digest();
    // Roles by the blob's rendezvous ranking: its home, the reader (ranked next, so its only home
    // is the first), and below them a holder the home has not heard of and a bystander.
    List<HostPort> ranking = agents.get(0).peers().ranking(digest);
    AgentMain home = agentAt(ranking.get(0));
    AgentMain reader = agentAt(ranking.get(1));
    AgentMain holder = agentAt(ranking.get(2));
    AgentMain bystander = agentAt(ranking.get(3));
    hold(holder, layer);
    reader.planner().askAtMost(1); // a "large fleet": more live members than it may ask
    Map<AgentMain, Long> before = new java.util.HashMap<>();
    for (AgentMain a : agents) {
      before.put(a, a.peerService().orElseThrow().haveAsked());
    }

    assertThat(Digest.sha256Of(get(reader, digest))).isEqualTo(digest);

    // The reader asked its home alone; the home, a small fleet's member, asked everyone and had
    // the blob read from its holder; so the holder and the bystander were each asked once.
    for (AgentMain a : List.of(holder, bystander)) {
      assertThat(a.peerService().orElseThrow().haveAsked() - before.get(a))
          .as("Have calls answered by %s", a.peerAddress().orElseThrow())
          .isEqualTo(1);
    }
    assertThat(home.store().contains(digest)).isTrue();
    assertThat(proxy.blobBytes()).isZero();
  }

  /** Every agent pulls {@code digest} through its mirror, on {@code pool}. */
  private List<Future<byte[]>> everyonePulls(ExecutorService pool, Digest digest) {
    List<Future<byte[]>> pulls = new ArrayList<>();
    for (AgentMain agent : agents) {
      pulls.add(pool.submit(() -> get(agent, digest)));
    }
    return pulls;
  }

  private static void assertAllGot(List<Future<byte[]>> pulls, Digest digest) throws Exception {
    for (Future<byte[]> f : pulls) {
      assertThat(Digest.sha256Of(f.get(60, TimeUnit.SECONDS))).isEqualTo(digest);
    }
  }

  /** Puts {@code layer} into {@code agent}'s store, as if it had pulled it long ago. */
  private static void hold(AgentMain agent, LayeredImage.Layer layer) throws IOException {
    agent
        .store()
        .put(
            layer.descriptor().digest(),
            new java.io.ByteArrayInputStream(layer.blob()),
            layer.blob().length,
            "application/octet-stream");
  }

  private AgentMain agentAt(HostPort address) {
    return agents.stream()
        .filter(a -> a.peerAddress().orElseThrow().equals(address))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aBlobHeldInSeveralZones_isReadFromTheReadersOwnZone() throws Exception {
    LayeredImage.Layer layer = image.layers().get(0);
    Digest digest = layer.descriptor().digest();
    AgentMain zoneA = agents.get(0);
    AgentMain zoneB = agents.get(AGENTS - 1);
    for (AgentMain holder : List.of(zoneA, zoneB)) {
      hold(holder, layer);
    }
    AgentMain reader = agents.get(AGENTS - 2); // zone-b
    assertThat(Digest.sha256Of(get(reader, digest))).isEqualTo(digest);
    assertThat(reader.fetches().bytesBySource())
        .containsEntry("peer " + zoneB.peerAddress().orElseThrow(), (long) layer.blob().length)
        .doesNotContainKey("peer " + zoneA.peerAddress().orElseThrow());
    assertThat(proxy.blobBytes()).isZero();
  }

  @Test
  void preheat_putsEveryBlobOnItsFirstHomes_andTheRolloutNeedsNoUpstream() throws Exception {
    String ref = proxy.uri().getAuthority() + "/" + REPO + ":v1";
    PreheatResponse r;
    try (ControlClient control = new ControlClient(agents.get(0).controlAddress())) {
      r = control.call().preheat(PreheatRequest.newBuilder().setImage(ref).setCopies(2).build());
    }
    assertThat(r.getBlobsCount()).isEqualTo(image.blobs().size());
    for (PreheatedBlob b : r.getBlobsList()) {
      assertThat(b.getHoldersCount()).as(b.getDigest()).isEqualTo(2);
      Digest d = Digest.parse(b.getDigest());
      long holding =
          agents.stream()
              .filter(
                  a -> {
                    try {
                      return a.store().contains(d);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .count();
      assertThat(holding).as("agents holding %s", d).isEqualTo(2);
    }
    // Only the first home of each blob downloads it from the upstream; the second reads it from
    // the first.
    assertThat(proxy.blobBytes()).isEqualTo(image.blobBytes());

    // The rollout: every agent pulls, and the upstream sends nothing more.
    proxy.resetCounts();
    for (AgentMain a : agents) {
      for (Digest d : image.layerDigests()) {
        assertThat(Digest.sha256Of(get(a, d))).isEqualTo(d);
      }
    }
    assertThat(proxy.blobBytes()).isZero();
  }

  /** The index of the agent whose peer address ranks first for {@code digest}. */
  private int homeOf(Digest digest) {
    int best = 0;
    for (int i = 1; i < agents.size(); i++) {
      long s = Peers.score(agents.get(i).peerAddress().orElseThrow(), digest);
      long b = Peers.score(agents.get(best).peerAddress().orElseThrow(), digest);
      if (Long.compareUnsigned(s, b) > 0) {
        best = i;
      }
    }
    return best;
  }

  private List<byte[]> pullEverywhere(List<Digest> layers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS * layers.size());
    try {
      List<Future<byte[]>> pulls = new ArrayList<>();
      for (AgentMain a : agents) {
        for (Digest d : layers) {
          pulls.add(pool.submit(() -> get(a, d)));
        }
      }
      List<byte[]> out = new ArrayList<>();
      for (Future<byte[]> f : pulls) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private byte[] get(AgentMain agent, Digest digest) throws IOException, InterruptedException {
    URI uri = agent.uri().resolve("/v2/" + REPO + "/blobs/" + digest);
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + uri + ": " + r.statusCode() + " " + new String(r.body()));
    }
    return r.body();
  }
}
