package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.AgentMain;
import dev.shoal.agent.build.ShoalProcess.Result;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.runtime.RuncCleanup;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.files.StaticElf;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.PrivateContainerd;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image made by {@code shoal build} (the packaged jar) runs where users run images: {@code
 * deploy/demo/hello.sh} on a {@code /bin} of this host's static busybox, pushed to the CNCF
 * registry, then run with containerd's {@code ctr run} (pulling through a real agent via the
 * shipped {@code deploy/containerd/hosts.toml}) and with {@code shoal run} on that agent; skopeo
 * reads its entrypoint and layers. Containers, snapshots, mounts and runc state are removed also
 * when it fails, and the test fails when the commands under test left any of them behind.
 */
class BuiltImageRunIT {
  /**
   * A namespace of the test's own: containerd's runc keeps its state under /run/containerd/runc.
   */
  private static final String NS = "shoal-built-image-it";

  private static final Path RUNC_STATE = Path.of("/run/containerd/runc", NS);
  private static final String CTR_ID = "shoal-built-hello";
  private static final List<String> RUNC = List.of("/usr/sbin/runc", "/usr/bin/runc");
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final List<String> APPLETS = List.of("sh", "cat", "echo", "hostname");
  private static final String ENTRYPOINT = "[\"/bin/sh\",\"/hello.sh\"]";
  private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);

  @TempDir Path dir;

  @Test
  void builtImage_runsWithCtrAndShoalRun_andSkopeoReadsItsEntrypointAndLayers() throws Exception {
    assumeTrue(
        RUNC.stream().map(Path::of).anyMatch(Files::isExecutable),
        "runc is not installed (apt-get install runc; ./scripts/test does)");
    assumeTrue(
        Files.isExecutable(BUSYBOX) && StaticElf.is(BUSYBOX.toRealPath()),
        "/bin/busybox is missing or not statically linked (apt-get install busybox-static;"
            + " ./scripts/test does)");
    PrivateContainerd.assumeAvailable();
    CncfRegistry.assumeInstalled();
    Skopeo.assumeInstalled();

    ShoalProcess shoal = new ShoalProcess(Files.createDirectories(dir.resolve("home")));
    Path data = dir.resolve("agent");
    List<String> left;
    try (CncfRegistry registry = CncfRegistry.start(dir.resolve("registry"))) {
      String ref = registry.baseUri().getAuthority() + "/demo/hello:v1";
      Result built =
          shoal
              .run(
                  app(),
                  "build",
                  "--from",
                  "scratch",
                  "--add",
                  "bin:/bin",
                  "--add",
                  "hello.sh:/hello.sh",
                  "--env",
                  "PATH=/bin",
                  "--entrypoint",
                  ENTRYPOINT,
                  "-t",
                  ref,
                  "--push")
              .succeeded();
      assertThat(built.out()).contains("pushed 2 of 2 layers");

      JsonNode inspect = Skopeo.inspect("docker://" + ref, false);
      assertThat(inspect.path("Digest").asText()).isEqualTo(built.lastLine());
      assertThat(inspect.path("Layers")).as("/bin and hello.sh").hasSize(2);
      assertThat(inspect.path("Env").toString()).contains("PATH=/bin");
      assertThat(skopeoConfig(ref).path("config").path("Entrypoint").toString())
          .isEqualTo(ENTRYPOINT);
      List<Digest> layers = new ArrayList<>();
      inspect.path("Layers").forEach(l -> layers.add(Digest.parse(l.asText())));

      try (AgentMain agent = startAgent(data, registry.baseUri())) {
        ctrRun(agent, ref, layers);

        shoal.env("SHOAL_AGENT", agent.controlAddress().toString());
        Result run = shoal.run(dir, "run", "--rm", "--name", "built-hello", ref);
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.out()).isEqualTo("Hello from Shoal on built-hello\n");

        Result named =
            shoal.run(dir, "run", "--rm", "--name", "built-env", "-e", "GREETING_NAME=run", ref);
        assertThat(named.exit()).as("exit code; stderr: %s", named.err()).isZero();
        assertThat(named.out()).isEqualTo("Hello from run on built-env\n");
      }
    } finally {
      left = RuncCleanup.clean(data, dir);
    }
    assertThat(left).as("left behind by shoal run").isEmpty();
  }

  /**
   * {@code ctr images pull} through the agent, then {@code ctr run --rm} of the image's own
   * entrypoint; the agent must hold every layer afterwards, as nothing else pulled through it yet.
   */
  private void ctrRun(AgentMain agent, String ref, List<Digest> layers) throws Exception {
    List<String> leftByCtr = new ArrayList<>();
    try (PrivateContainerd containerd = PrivateContainerd.start(dir.resolve("containerd"))) {
      try {
        HostPort listen = new HostPort(agent.uri().getHost(), agent.uri().getPort());
        containerd.hostsToml("_default", containerdHostsToml(listen));
        PrivateContainerd.Result pull =
            containerd.ctr(
                ctr(
                    "images",
                    "pull",
                    "--hosts-dir",
                    containerd.hostsDir().toString(),
                    "--snapshotter",
                    containerd.snapshotter(),
                    ref));
        assertThat(pull.succeeded()).as(pull.toString()).isTrue();
        for (Digest layer : layers) {
          assertThat(agent.store().contains(layer)).as("the agent holds %s", layer).isTrue();
        }

        PrivateContainerd.Result run =
            containerd.ctr(
                ctr(
                    "run",
                    "--rm",
                    "--snapshotter",
                    containerd.snapshotter(),
                    "--env",
                    "GREETING_NAME=ctr",
                    ref,
                    CTR_ID));
        assertThat(run.exitCode()).as(run + "\n" + containerd.log()).isZero();
        assertThat(run.output().lines()).containsExactly("Hello from ctr on " + hostname());

        PrivateContainerd.Result containers = containerd.ctr(ctr("containers", "ls", "-q"));
        assertThat(containers.output().strip()).as("--rm removed it").isEmpty();
      } finally {
        leftByCtr.addAll(removeCtrContainer(containerd));
      }
    } finally {
      leftByCtr.addAll(removeRuncState());
    }
    assertThat(leftByCtr).as("left behind by ctr run --rm").isEmpty();
  }

  /** Kills and removes the test's container (task, container, snapshot) where ctr left it. */
  private static List<String> removeCtrContainer(PrivateContainerd containerd)
      throws IOException, InterruptedException {
    if (containerd.ctr(ctr("containers", "info", CTR_ID)).exitCode() != 0) {
      return List.of();
    }
    containerd.ctr(ctr("tasks", "kill", "--signal", "SIGKILL", CTR_ID));
    containerd.ctr(ctr("tasks", "delete", "--force", CTR_ID));
    containerd.ctr(ctr("containers", "delete", CTR_ID));
    return List.of("containerd container " + CTR_ID);
  }

  /**
   * Deletes what runc kept for the namespace after containerd stopped: containers by id, then the
   * directory, which the shim leaves behind (empty) even after a clean {@code --rm}.
   */
  private static List<String> removeRuncState() throws IOException, InterruptedException {
    if (!Files.isDirectory(RUNC_STATE)) {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    try (Stream<Path> ids = Files.list(RUNC_STATE)) {
      for (Path id : ids.toList()) {
        found.add("runc state " + id);
        Process p =
            new ProcessBuilder(
                    "runc",
                    "--root",
                    RUNC_STATE.toString(),
                    "delete",
                    "--force",
                    id.getFileName().toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    Files.deleteIfExists(RUNC_STATE);
    return found;
  }

  /** deploy/demo/hello.sh next to a /bin of the host's busybox and links to the applets it uses. */
  private Path app() throws IOException {
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.copy(ShoalProcess.ROOT.resolve("deploy/demo/hello.sh"), app.resolve("hello.sh"));
    Path bin = Files.createDirectories(app.resolve("bin"));
    Files.copy(BUSYBOX.toRealPath(), bin.resolve("busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    return app;
  }

  private static AgentMain startAgent(Path data, URI upstream) throws IOException {
    return AgentMain.start(
        AgentConfig.defaults(data)
            .withMirror(MirrorConfig.defaults().withListen(ANY_PORT).withUpstream(upstream))
            .withControl(new ControlConfig(ANY_PORT)),
        Clock.systemUTC());
  }

  /** The shipped {@code deploy/containerd/hosts.toml}, with the agent's port in place of 5050. */
  private static String containerdHostsToml(HostPort agent) throws IOException {
    String template =
        Files.readString(
            ShoalProcess.ROOT.resolve("deploy/containerd/hosts.toml"), StandardCharsets.UTF_8);
    assertThat(template).contains("[host.\"http://127.0.0.1:5050\"]");
    return template.replace("127.0.0.1:5050", agent.host() + ":" + agent.port());
  }

  /** {@code skopeo inspect --config}: the image's config as the registry holds it. */
  private static JsonNode skopeoConfig(String ref) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Skopeo.BINARY.toString(),
                "inspect",
                "--config",
                "--tls-verify=false",
                "docker://" + ref)
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("skopeo inspect --config %s: %s", ref, text).isZero();
    return new ObjectMapper().readTree(text);
  }

  /**
   * The host's name: ctr 1.6 gives the container a UTS namespace but no name of its own (it has no
   * --hostname), so it keeps the host's.
   */
  private static String hostname() throws IOException {
    return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
  }

  private static List<String> ctr(String... args) {
    List<String> out = new ArrayList<>(List.of("--namespace", NS));
    out.addAll(List.of(args));
    return out;
  }
}
