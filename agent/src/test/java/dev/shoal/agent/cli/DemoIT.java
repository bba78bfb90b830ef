package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the real launcher, {@code ./shoal demo}, from the repository root against the packaged jars
 * (SHOAL_SKIP_BUILD=1: Maven has just built them), and checks what a user would see: the origin and
 * three agents answer, the rollout table shows about one copy of the image from the origin, the
 * container's output appears, and nothing is left behind after it stops.
 */
class DemoIT {
  private static final Path ROOT =
      Path.of(System.getProperty("shoal.root", "..")).toAbsolutePath().normalize();
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final Pattern AGENT =
      Pattern.compile("^  agent\\d: (http://127\\.0\\.0\\.1:\\d+) \\(pid (\\d+),");
  private static final Pattern ORIGIN =
      Pattern.compile("^  origin: (http://127\\.0\\.0\\.1:\\d+) \\(pid (\\d+),");
  private static final Pattern DATA = Pattern.compile("^shoal demo: data in (\\S+) ");
  private static final Pattern COPIES =
      Pattern.compile("^the origin sent .* for 3 pulls of a .* image: (\\d+\\.\\d+) copies");

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Process demo;
  private final StringBuffer stderr = new StringBuffer();
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** What deploy/demo/hello.sh prints first. */
  private static final String GREETING = "Hello from Shoal on ";

  @AfterEach
  void killLeftovers() {
    if (demo != null && demo.isAlive()) {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
  }

  @Test
  void demo_runsTheWholePathOnLoopback_thenStopsEverythingAndDeletesTheData() throws Exception {
    start("demo");
    Servers servers = awaitServers();
    assertAsksForAToken(servers.origin());
    for (URI agent : servers.agents()) {
      assertAnswersAsRegistry(agent);
    }

    assertThat(demo.waitFor(5, TimeUnit.MINUTES)).as("the demo ends by itself").isTrue();
    assertThat(demo.exitValue()).as("exit status; stderr:%n%s", stderr).isZero();
    List<String> lines = List.copyOf(all);
    // The rollout: a table row per agent, and about one copy of the image from the origin.
    for (String agent : List.of("agent1 ", "agent2 ", "agent3 ")) {
      assertThat(lines).anyMatch(l -> l.startsWith(agent) && l.contains(" ms "));
    }
    double copies =
        lines.stream()
            .map(COPIES::matcher)
            .filter(Matcher::find)
            .mapToDouble(m -> Double.parseDouble(m.group(1)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no copies line in " + lines));
    assertThat(copies).as("copies of the image the origin sent").isBetween(0.9, 1.1);
    // The container ran with runc and its output is shown (CI installs runc and busybox-static).
    if (DemoImage.canRun()) {
      assertThat(lines).anyMatch(l -> l.startsWith("  | ") && l.contains(GREETING));
    } else {
      assertThat(lines).anyMatch(l -> l.contains("not running it: " + DemoImage.whyNotRun()));
    }
    assertNothingLeft(servers);
  }

  @Test
  void sigterm_stopsEveryServerAndDeletesTheData() throws Exception {
    start("demo");
    Servers servers = awaitServers();
    assertAnswersAsRegistry(servers.agents().get(0));

    demo.destroy(); // SIGTERM, as from kill or a service manager
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exits on SIGTERM").isTrue();
    assertThat(demo.exitValue()).isEqualTo(128 + 15);
    assertNothingLeft(servers);
  }

  private void start(String... args) throws IOException {
    ProcessBuilder builder = new ProcessBuilder();
    builder.command().add(ROOT.resolve("shoal").toString());
    builder.command().addAll(List.of(args));
    builder.directory(ROOT.toFile());
    // The jars are fresh from this build; the launcher must not start another Maven.
    builder.environment().put("SHOAL_SKIP_BUILD", "1");
    demo = builder.start();
    demo.getOutputStream().close();
    pump(
        demo.getInputStream(),
        line -> {
          all.add(line);
          stdout.add(line);
        });
    pump(demo.getErrorStream(), line -> stderr.append(line).append('\n'));
  }

  private record Servers(
      URI origin, long originPid, List<URI> agents, List<Long> agentPids, Path data) {}

  private Servers awaitServers() throws InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP);
    List<URI> agents = new java.util.ArrayList<>();
    List<Long> agentPids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Matcher agent = awaitLine(AGENT, deadline);
      agents.add(URI.create(agent.group(1)));
      agentPids.add(Long.parseLong(agent.group(2)));
    }
    Matcher origin = awaitLine(ORIGIN, deadline);
    Matcher data = awaitLine(DATA, deadline);
    return new Servers(
        URI.create(origin.group(1)),
        Long.parseLong(origin.group(2)),
        agents,
        agentPids,
        Path.of(data.group(1)));
  }

  private Matcher awaitLine(Pattern pattern, Instant deadline) throws InterruptedException {
    while (true) {
      long left = Duration.between(Instant.now(), deadline).toMillis();
      String line = stdout.poll(Math.max(left, 0), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError(
            "no line matching " + pattern + " within " + STARTUP + "; stderr:\n" + stderr);
      }
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
  }

  private void assertAnswersAsRegistry(URI base) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(base.resolve("/v2/")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
    assertThat(response.body()).isEqualTo("{}");
  }

  /** The origin requires credentials: its version check answers with the token realm. */
  private void assertAsksForAToken(URI base) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(base.resolve("/v2/")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer realm=\"" + base + "/token\"");
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
  }

  private void assertNothingLeft(Servers servers) {
    List<Long> pids = new java.util.ArrayList<>(servers.agentPids());
    pids.add(servers.originPid());
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .as("process %d after the demo stopped", pid)
          .isNotEqualTo(Optional.of(true));
    }
    assertNotListening(servers.origin());
    servers.agents().forEach(DemoIT::assertNotListening);
    assertThat(servers.data()).as("the demo's data directory").doesNotExist();
  }

  private static void assertNotListening(URI uri) {
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
              }
            })
        .as("connecting to %s after the demo stopped", uri)
        .isInstanceOf(ConnectException.class);
  }

  private static void pump(InputStream stream, Consumer<String> sink) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // The demo exited; its output ends here.
              }
            });
    thread.setDaemon(true);
    thread.start();
  }
}
