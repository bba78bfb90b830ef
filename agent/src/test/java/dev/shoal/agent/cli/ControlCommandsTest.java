package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.StoreConfig;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** status, blobs, evict, pin and unpin against a real agent on loopback. */
class ControlCommandsTest {
  private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private AgentMain agent;
  private StringWriter out;
  private StringWriter err;
  private Digest held;

  @BeforeEach
  void start() throws Exception {
    // One blob in the store before the agent opens it, as if pulled earlier.
    byte[] bytes = Blobs.random(1, 3000);
    held = Digest.sha256Of(bytes);
    try (ContentStore s = ContentStore.open(StoreConfig.defaults(dir), clock)) {
      s.put(held, new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream");
    }
    AgentConfig config =
        AgentConfig.defaults(dir)
            .withMirror(MirrorConfig.defaults().withListen(ANY_PORT))
            .withControl(new ControlConfig(ANY_PORT));
    agent = AgentMain.start(config, clock);
    clock.advance(Duration.ofMinutes(90));
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Map<String, String> vars = Map.of("SHOAL_AGENT", agent.controlAddress().toString());
    Environment env = new Environment(vars, false, Path.of("/home/ana"), "java 17 (test)");
    CommandLine cli = ShoalCli.commandLine(env, clock);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void status_showsTheStoreAsATableAndAsJson() throws Exception {
    assertThat(run("status")).isZero();
    assertThat(out.toString())
        .contains(agent.uri().toString(), "up 1h30m", dir.toString(), "1 complete, 2.9 KiB")
        .contains("above 90.0% disk, down to 80.0%; no store limit");

    assertThat(run("status", "--json")).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("store").path("complete_blobs").asLong()).isEqualTo(1);
    assertThat(json.path("store").path("complete_bytes").asLong()).isEqualTo(3000);
    assertThat(json.path("data_dir").asText()).isEqualTo(dir.toString());
  }

  @Test
  void blobs_listsTheHeldBlobWithItsPin() throws Exception {
    assertThat(run("pin", held.toString(), "--name", "release-42")).isZero();
    assertThat(out.toString().trim()).isEqualTo("pinned " + held + " (release-42)");

    assertThat(run("blobs")).isZero();
    assertThat(out.toString())
        .contains("DIGEST", held.toString().substring(0, 19), "2.9 KiB", "complete")
        .contains("pin:release-42", "1h30m ago");

    assertThat(run("blobs", "--json")).isZero();
    JsonNode blob = new ObjectMapper().readTree(out.toString()).path("blobs").get(0);
    assertThat(blob.path("digest").asText()).isEqualTo(held.toString());
    assertThat(blob.path("pins").get(0).asText()).isEqualTo("release-42");
  }

  @Test
  void evict_removesNamedBlobUnlessPinned() {
    assertThat(run("evict")).isZero();
    assertThat(out.toString().trim()).isEqualTo("nothing to evict: the store is within its limits");

    run("pin", held.toString());
    assertThat(run("evict", held.toString())).isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo(
            "shoal evict: blob " + held + " is pinned [user]; unpin it or stop its users first");

    assertThat(run("unpin", held.toString())).isZero();
    assertThat(run("evict", held.toString())).isZero();
    assertThat(out.toString()).startsWith("evicted 1 blob, freed 2.9 KiB (requested)");
    assertThat(run("blobs", "--json")).isZero();
    assertThat(out.toString()).doesNotContain(held.toString());
  }

  @Test
  void badDigest_isOneLineWithTheInput() {
    assertThat(run("pin", "sha256:XYZ")).isEqualTo(1);
    assertThat(err.toString()).startsWith("shoal pin: digest: \"sha256:XYZ\"").hasLineCount(1);
  }

  @Test
  void noAgent_saysHowToStartOne() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThat(run("status", "--agent", "127.0.0.1:" + closedPort)).isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo(
            "shoal status: no agent answers on 127.0.0.1:"
                + closedPort
                + " (start one with ./shoal agent, or pass --agent HOST:PORT)");
  }
}
