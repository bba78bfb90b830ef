package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.control.ControlClient;
import dev.shoal.agent.fetch.PieceSizes;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.FreePorts;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import dev.shoal.proto.control.v1.PullProgress;
import dev.shoal.proto.control.v1.PullRequest;
import io.grpc.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code shoal pull} against real agents in front of the CNCF registry on loopback: what the
 * summary says, where the bytes came from, the JSON, and the one-line errors.
 */
class PullCommandTest {
  private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);
  private static final String IMAGE = "demo/app:v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private CncfRegistry cncf;
  private LayeredImage image;
  private final List<AgentMain> agents = new ArrayList<>();
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    cncf = CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")));
    image = LayeredImage.sample(7);
    RegistryClient client = RegistryClient.builder(cncf.baseUri()).build();
    image.push(client, "demo/app", "v1");
    // The tag names an index, which the agent resolves to the manifest for this host.
    image.pushIndex(client, "demo/app", "v1");
  }

  @AfterEach
  void stop() {
    agents.forEach(AgentMain::close);
    if (cncf != null) {
      cncf.close();
    }
  }

  @Test
  void pull_summarisesTheImagesBytes_fromTheOriginFirstThenLocal() throws Exception {
    AgentMain agent = agent(0);
    long total = imageBytes();

    assertThat(run(agent, "pull", IMAGE)).isZero();
    assertThat(err.toString()).isEmpty();
    String first = out.toString();
    // Without a terminal: one line per blob (config and three layers) as it completes.
    for (Descriptor d : blobs()) {
      String hex = d.digest().toString().substring("sha256:".length(), "sha256:".length() + 12);
      assertThat(first).containsPattern("(?m)^" + hex + " .*done  origin 100%$");
    }
    assertThat(first)
        .contains("pulled " + IMAGE + " (" + image.digest() + "): 4 blobs, " + Human.bytes(total))
        .contains("from local 0 B, peers 0 B, origin " + Human.bytes(total))
        .doesNotContain("\033[");
    for (Descriptor d : blobs()) {
      assertThat(agent.store().contains(d.digest())).as("%s in the store", d.digest()).isTrue();
    }

    assertThat(run(agent, "pull", "--json", IMAGE)).isZero();
    JsonNode again = JSON.readTree(out.toString());
    assertThat(again.path("done").asBoolean()).isTrue();
    assertThat(again.path("manifest_digest").asText()).isEqualTo(image.digest().toString());
    assertThat(again.path("total_bytes").asLong()).isEqualTo(total);
    assertThat(again.path("local_bytes").asLong()).isEqualTo(total);
    assertThat(again.path("upstream_bytes").asLong()).isZero();
    assertThat(again.path("blobs")).hasSize(4);
    for (JsonNode b : again.path("blobs")) {
      assertThat(b.path("bytes_done").asLong()).isEqualTo(b.path("size").asLong());
      assertThat(b.path("bytes_by_source").path("local").asLong())
          .isEqualTo(b.path("size").asLong());
    }
  }

  @Test
  void pull_fromASecondAgent_takesTheBytesFromThePeer() throws Exception {
    List<HostPort> ports =
        FreePorts.take(2).stream().map(p -> new HostPort("127.0.0.1", p)).toList();
    // Agent 0 knows no other member: it pulls everything from the upstream. Agent 1 knows agent 0,
    // which then holds every blob: peers come before the upstream.
    AgentMain a = agent(0, ports.subList(0, 1), ports.get(0));
    AgentMain b = agent(1, ports, ports.get(1));
    await().atMost(Duration.ofSeconds(30)).until(() -> b.peers().answering() == 1);
    long total = imageBytes();

    assertThat(run(a, "pull", "--json", IMAGE)).isZero();
    assertThat(JSON.readTree(out.toString()).path("upstream_bytes").asLong()).isEqualTo(total);

    assertThat(run(b, "pull", IMAGE)).isZero();
    assertThat(out.toString())
        .contains("from local 0 B, peers " + Human.bytes(total) + ", origin 0 B");
    for (Descriptor d : blobs()) {
      String hex = d.digest().toString().substring("sha256:".length(), "sha256:".length() + 12);
      assertThat(out.toString())
          .containsPattern("(?m)^" + hex + " .*done  peer " + ports.get(0) + " 100%$");
    }

    assertThat(run(b, "status")).isZero();
    assertThat(out.toString())
        .contains("1 other member(s) (1 answering)")
        .doesNotContain("peer  " + ports.get(0)); // members are listed when not answering

    a.close();
    agents.remove(a);
    // While it stops, the agent answers health checks NOT_SERVING; once it is gone, UNAVAILABLE.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(run(b, "status")).isZero();
              assertThat(out.toString())
                  .contains("1 other member(s) (0 answering)")
                  .containsPattern("(?m)peer +" + ports.get(0) + "  down: UNAVAILABLE");
            });
    assertThat(run(b, "status", "--json")).isZero();
    JsonNode member = JSON.readTree(out.toString()).path("peer_states").path(0);
    assertThat(member.path("address").asText()).isEqualTo(ports.get(0).toString());
    assertThat(member.path("state").asText()).isEqualTo("down");
    assertThat(member.path("detail").asText()).startsWith("UNAVAILABLE");
  }

  @Test
  void status_duringAPull_showsEachTransferWithItsBytesAndSources() throws Exception {
    LayeredImage.Layer big = image.layers().get(1); // about 2 MiB
    long piece = PieceSizes.forSize(big.descriptor().size());
    long written = (3L << 19) / piece * piece; // the whole pieces of the first 1.5 MiB
    try (UpstreamProxy proxy = UpstreamProxy.start(cncf.baseUri())) {
      AgentMain agent = agent(0, null, null, proxy.uri());
      // Bodies stop half way into the piece after those; the smaller layers get through.
      UpstreamProxy.Hold hold = proxy.holdBlobsAfter(written + piece / 2);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Result> pull = pool.submit(() -> exec(agent, "pull", IMAGE));
        assertThat(hold.awaitHeld(Duration.ofSeconds(20))).isTrue();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    agent.fetches().running(big.descriptor().digest()).orElseThrow().writtenBytes()
                        == written);

        assertThat(run(agent, "status")).isZero();
        assertThat(out.toString())
            .containsPattern("transfers +[1-9] in flight")
            .contains(
                big.descriptor().digest()
                    + "  "
                    + Human.bytes(written)
                    + " / "
                    + Human.bytes(big.descriptor().size())
                    + "  origin 100%");
        assertThat(run(agent, "status", "--json")).isZero();
        JsonNode transfers = JSON.readTree(out.toString()).path("transfers");
        assertThat(transfers.findValuesAsText("digest"))
            .contains(big.descriptor().digest().toString());
        assertThat(pull.isDone()).as("the pull waits for the held layer").isFalse();

        hold.release();
        Result done = pull.get(60, TimeUnit.SECONDS);
        assertThat(done.code()).as(done.err().toString()).isZero();
        assertThat(done.out().toString())
            .contains("from local 0 B, peers 0 B, origin " + Human.bytes(imageBytes()));
      } finally {
        hold.release();
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aPullLeftHalfWay_theAgentStillFinishesTheDownload() throws Exception {
    LayeredImage.Layer big = image.layers().get(1);
    try (UpstreamProxy proxy = UpstreamProxy.start(cncf.baseUri())) {
      AgentMain agent = agent(0, null, null, proxy.uri());
      UpstreamProxy.Hold hold = proxy.holdBlobsAfter(3 << 19);
      try (ControlClient client = new ControlClient(agent.controlAddress());
          Context.CancellableContext ctx = Context.current().withCancellation()) {
        Iterator<PullProgress> it =
            ctx.call(() -> client.call().pull(PullRequest.newBuilder().setImage(IMAGE).build()));
        assertThat(hold.awaitHeld(Duration.ofSeconds(20))).isTrue();
        assertThat(it.next().getDone()).isFalse();
        ctx.cancel(null); // as Ctrl-C on `shoal pull` does
      } finally {
        hold.release();
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> agent.store().contains(big.descriptor().digest()));
      assertThat(run(agent, "pull", "--json", IMAGE)).isZero();
      assertThat(JSON.readTree(out.toString()).path("upstream_bytes").asLong()).isZero();
    }
  }

  @Test
  void pull_ofAnImageTheUpstreamLacks_failsWithOneLine() throws Exception {
    AgentMain agent = agent(0);
    assertThat(run(agent, "pull", "demo/missing:v1")).isNotZero();
    assertThat(err.toString().strip())
        .startsWith("shoal pull: cannot pull demo/missing:v1: 404")
        .contains("check the image name and tag")
        .doesNotContain("\n");
  }

  @Test
  void pull_withNoAgent_saysHowToStartOne() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(run(null, "pull", "--agent", "127.0.0.1:" + closed, IMAGE)).isNotZero();
    assertThat(err.toString().strip())
        .startsWith("shoal pull: no agent answers on 127.0.0.1:")
        .contains("./shoal agent")
        .doesNotContain("\n");
  }

  @Test
  void listings_printJsonThatParses() throws Exception {
    AgentMain agent = agent(0);
    assertThat(run(agent, "pull", "--quiet", IMAGE)).isZero();
    assertThat(run(agent, "status", "--json")).isZero();
    assertThat(JSON.readTree(out.toString()).path("store").path("complete_blobs").asLong())
        .isGreaterThanOrEqualTo(4);
    assertThat(run(agent, "blobs", "--json")).isZero();
    assertThat(JSON.readTree(out.toString()).path("blobs").size()).isGreaterThanOrEqualTo(4);
    assertThat(run(agent, "ps", "--json", "-a")).isZero();
    assertThat(JSON.readTree(out.toString()).isObject()).isTrue();
  }

  private long imageBytes() {
    return blobs().stream().mapToLong(Descriptor::size).sum();
  }

  private List<Descriptor> blobs() {
    List<Descriptor> all = new ArrayList<>();
    all.add(image.configDescriptor());
    image.layers().forEach(l -> all.add(l.descriptor()));
    return all;
  }

  private AgentMain agent(int i) throws Exception {
    return agent(i, null, null, cncf.baseUri());
  }

  private AgentMain agent(int i, List<HostPort> peers, HostPort listen) throws Exception {
    return agent(i, peers, listen, cncf.baseUri());
  }

  /** An agent with a peer port on {@code listen} when {@code peers} is not null. */
  private AgentMain agent(int i, List<HostPort> peers, HostPort listen, URI upstream)
      throws Exception {
    AgentConfig config =
        AgentConfig.defaults(dir.resolve("agent" + i))
            .withMirror(MirrorConfig.defaults().withListen(ANY_PORT).withUpstream(upstream))
            .withControl(new ControlConfig(ANY_PORT));
    if (peers != null) {
      config =
          config.withPeer(
              PeerConfig.defaults()
                  .withListen(listen)
                  .withPeers(peers)
                  .withPlaintext(true)
                  .withHealthInterval(Duration.ofMillis(200)));
    }
    AgentMain a = AgentMain.start(config, Clock.systemUTC());
    agents.add(a);
    return a;
  }

  private int run(AgentMain agent, String... args) {
    Result r = exec(agent, args);
    out = r.out();
    err = r.err();
    return r.code();
  }

  private record Result(int code, StringWriter out, StringWriter err) {}

  private Result exec(AgentMain agent, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    Map<String, String> vars =
        agent == null ? Map.of() : Map.of("SHOAL_AGENT", agent.controlAddress().toString());
    Environment env = new Environment(vars, false, dir, "java 17 (test)");
    CommandLine cli = ShoalCli.commandLine(env, Clock.systemUTC());
    cli.setOut(new PrintWriter(o, true));
    cli.setErr(new PrintWriter(e, true));
    return new Result(cli.execute(args), o, e);
  }
}
