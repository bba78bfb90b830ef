package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.runtime.BusyboxImage;
import dev.shoal.agent.runtime.RuncCleanup;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.testing.CncfRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code shoal run}, {@code ps}, {@code logs}, {@code stop} and {@code rm} as a user runs them: a
 * real busybox image in the CNCF registry, a real agent pulling through to it, runc running the
 * containers. Everything a test leaves (containers, mounts) is removed after it, and a test fails
 * when the commands under test left any of it behind.
 */
class RunIT {
  private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);

  @TempDir Path dir;
  private CncfRegistry registry;
  private BusyboxImage image;
  private AgentMain agent;
  private Path data;
  private String out;
  private String err;
  private String text;

  @BeforeEach
  void start() throws Exception {
    BusyboxImage.assumeAvailable();
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(dir.resolve("registry"));
    image = BusyboxImage.build(dir.resolve("image"), "");
    image.push(registry.client(), "tools/busybox", "1");
    BusyboxImage.build(dir.resolve("image-app"), "app")
        .push(registry.client(), "tools/busybox", "app");
    data = dir.resolve("agent");
    agent = startAgent();
  }

  private AgentMain startAgent() throws Exception {
    return AgentMain.start(
        AgentConfig.defaults(data)
            .withMirror(
                MirrorConfig.defaults().withListen(ANY_PORT).withUpstream(registry.baseUri()))
            .withControl(new ControlConfig(ANY_PORT)),
        Clock.systemUTC());
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      if (run("ps", "-a", "--json") == 0) {
        for (JsonNode c : new ObjectMapper().readTree(text).path("containers")) {
          run("rm", "-f", c.path("id").asText());
        }
      }
      agent.close();
    }
    if (registry != null) {
      registry.close();
    }
    assertThat(RuncCleanup.clean(data, dir)).as("left behind by the commands").isEmpty();
  }

  private int run(String... args) {
    return runWithAgent(agent.controlAddress().toString(), args);
  }

  private int runWithAgent(String address, String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    StringWriter textOut = new StringWriter();
    StringWriter textErr = new StringWriter();
    Environment env =
        new Environment(
            Map.of("SHOAL_AGENT", address, "FROM_SHELL", "shell-value"),
            false,
            Path.of("/root"),
            "java 17 (test)");
    CommandLine cli =
        ShoalCli.commandLine(
            env,
            Clock.systemUTC(),
            InputStream.nullInputStream(),
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    cli.setOut(new PrintWriter(textOut, true));
    cli.setErr(new PrintWriter(textErr, true));
    int code = cli.execute(args);
    out = stdout.toString(StandardCharsets.UTF_8);
    err = stderr.toString(StandardCharsets.UTF_8) + textErr;
    text = textOut.toString();
    return code;
  }

  @Test
  void run_passesOutputAndExitCodeThrough() {
    int code =
        run("run", "--rm", "tools/busybox:1", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");

    assertThat(code).as(err).isEqualTo(3);
    assertThat(out).isEqualTo("hi\n");
    assertThat(err).isEqualTo("oops\n");
    assertThat(run("ps", "-a")).isZero();
    assertThat(text.lines()).as("--rm removed it").hasSize(1);
  }

  @Test
  void run_withoutCommand_runsTheImagesCmdInItsWorkingDir() {
    assertThat(run("run", "--rm", "tools/busybox:1")).as(err).isZero();
    assertThat(out).isEqualTo("default command\n");

    assertThat(run("run", "--rm", "tools/busybox:1", "--", "pwd")).isZero();
    assertThat(out).isEqualTo("/srv\n");
  }

  @Test
  void run_envVolumesAndTheImagesUser() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.writeString(shared.resolve("greeting"), "from the host\n");
    Path writable = Files.createDirectories(dir.resolve("writable"));
    // The image's user is uid 1000: the host directory must let it write.
    Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));

    int code =
        run(
            "run",
            "--rm",
            "-e",
            "FROM_CLI=cli-value",
            "-e",
            "FROM_SHELL",
            "-v",
            shared + ":/data:ro",
            "-v",
            writable + ":/out",
            "tools/busybox:app",
            "--",
            "sh",
            "-c",
            "id -u; id -g; id -G; echo $FROM_IMAGE $FROM_CLI $FROM_SHELL $HOME; cat /data/greeting;"
                + " echo written > /out/file; touch /data/nope 2>/dev/null || echo read-only");

    assertThat(code).as(err).isZero();
    assertThat(out)
        .isEqualTo(
            "1000\n1000\n1000 2000\nimage-value cli-value shell-value /home/app\n"
                + "from the host\nread-only\n");
    assertThat(Files.readString(writable.resolve("file"))).isEqualTo("written\n");
  }

  @Test
  void run_hasItsOwnNetworkWithOnlyLoopbackAndTheDefaultCapabilities() {
    int code =
        run(
            "run",
            "--rm",
            "tools/busybox:1",
            "--",
            "sh",
            "-c",
            "ls /sys/class/net; grep CapEff /proc/self/status; hostname");

    assertThat(code).as(err).isZero();
    // 00000000a80425fb: the fourteen default capabilities, nothing more.
    assertThat(out).startsWith("lo\nCapEff:\t00000000a80425fb\n");
  }

  @Test
  void detached_psLogsStopRm_andItsBlobsAreKeptFromEvictionUntilRemoved() throws Exception {
    assertThat(
            run(
                "run",
                "-d",
                "--name",
                "sleeper",
                "tools/busybox:1",
                "--",
                "sh",
                "-c",
                "echo started; sleep 600"))
        .as(err)
        .isZero();
    String id = text.strip();
    assertThat(id).matches("[0-9a-f]{32}");

    assertThat(run("ps")).isZero();
    assertThat(text).contains(id.substring(0, 12), "tools/busybox:1", "Up ", "sleeper");
    assertThat(eventually(() -> run("logs", "sleeper") == 0 && out.equals("started\n"))).isTrue();

    String layer = image.layerDigest().toString();
    assertThat(run("evict", layer)).isNotZero();
    assertThat(err).contains("container:" + id);
    assertThat(run("rm", "sleeper")).isNotZero();
    assertThat(err).contains("sleeper is running").contains("shoal stop sleeper");
    assertThat(run("run", "--name", "sleeper", "tools/busybox:1")).isEqualTo(1);
    assertThat(err).contains("the name sleeper is in use by container " + id.substring(0, 12));

    assertThat(run("stop", "-t", "1", id.substring(0, 8))).as(err).isZero();
    assertThat(text).contains("sleeper exited (137)");
    assertThat(run("ps", "-a", "--json")).isZero();
    JsonNode c = new ObjectMapper().readTree(text).path("containers").get(0);
    assertThat(c.path("state").asText()).isEqualTo("exited");
    assertThat(c.path("exit_code").asInt()).isEqualTo(137);
    assertThat(c.path("args").toString()).isEqualTo("[\"sh\",\"-c\",\"echo started; sleep 600\"]");

    assertThat(run("rm", "sleeper")).as(err).isZero();
    assertThat(run("ps", "-a")).isZero();
    assertThat(text.lines()).hasSize(1);
    assertThat(Files.exists(data.resolve("containers").resolve(id))).isFalse();
    assertThat(run("evict", layer)).as("released by rm: %s", err).isZero();
  }

  @Test
  void agentRestart_keepsARunningContainer_andAnExitedOnesCode() throws Exception {
    assertThat(run("run", "-d", "--name", "sleeper", "tools/busybox:1", "--", "sleep", "600"))
        .isZero();
    assertThat(run("run", "-d", "--name", "quick", "tools/busybox:1", "--", "sh", "-c", "exit 7"))
        .isZero();
    assertThat(eventually(() -> run("ps") == 0 && !text.contains("quick"))).isTrue();

    agent.close();
    agent = startAgent();

    assertThat(run("ps", "-a")).isZero();
    assertThat(text).contains("sleeper").contains("Up ").contains("Exited (7)");
    assertThat(run("stop", "-t", "1", "sleeper")).as(err).isZero();
    assertThat(run("rm", "quick")).isZero();
  }

  @Test
  void errors_areOneLineWithWhatToDo() {
    assertThat(run("run", "tools/nothing:1")).isEqualTo(1);
    assertThat(err.lines()).hasSize(1);
    assertThat(err).contains("cannot pull tools/nothing:1: 404").contains("check the image name");

    assertThat(run("run", "-v", "relative", "tools/busybox:1")).isEqualTo(1);
    assertThat(err.strip())
        .isEqualTo(
            "shoal run: -v relative (expected: HOST_PATH:CONTAINER_PATH[:ro], e.g. /srv/data:/data:ro)");

    assertThat(run("ps", "-a")).isZero();
    assertThat(text.lines()).as("a failed run leaves no container").hasSize(1);

    assertThat(run("logs", "nosuch")).isEqualTo(1);
    assertThat(err.strip())
        .isEqualTo("shoal logs: no container nosuch on this agent: list them with shoal ps -a");

    assertThat(runWithAgent("127.0.0.1:1", "ps")).isEqualTo(1);
    assertThat(err).contains("no agent answers on 127.0.0.1:1");
  }

  @Test
  void seccomp_refusesUserNamespaces_unlessRunUnconfined() throws Exception {
    String probe = "grep Seccomp: /proc/self/status; unshare -U true 2>/dev/null; echo rc=$?";
    assertThat(run("run", "--rm", "tools/busybox:1", "--", "sh", "-c", probe)).as(err).isZero();
    // Mode 2: a filter; a user namespace needs no capability, so only the filter refuses it.
    assertThat(out).isEqualTo("Seccomp:\t2\nrc=1\n");

    assertThat(
            run(
                "run",
                "-d",
                "--name",
                "free",
                "--security-opt",
                "seccomp=unconfined",
                "tools/busybox:1",
                "--",
                "sh",
                "-c",
                probe))
        .as(err)
        .isZero();
    assertThat(eventually(() -> run("logs", "free") == 0 && out.contains("rc="))).isTrue();
    assertThat(out).isEqualTo("Seccomp:\t0\nrc=0\n");
    assertThat(run("ps", "-a", "--json")).isZero();
    JsonNode c = new ObjectMapper().readTree(text).path("containers").get(0);
    assertThat(c.path("seccomp").asText()).isEqualTo("unconfined");

    assertThat(run("run", "--security-opt", "apparmor=unconfined", "tools/busybox:1")).isOne();
    assertThat(err.strip())
        .startsWith("shoal run: --security-opt apparmor=unconfined (expected: seccomp=unconfined");
  }

  @Test
  void layers_goWithTheirBlobs_butNeverWhileARecordedContainerUsesThem() throws Exception {
    BusyboxImage other = BusyboxImage.build(dir.resolve("image-other"), "", "other");
    other.push(registry.client(), "tools/other", "1");
    Path otherLayer = layerDir(other);
    Path sharedLayer = layerDir(image);

    assertThat(run("run", "--rm", "tools/other:1", "--", "cat", "/etc/marker")).as(err).isZero();
    assertThat(out).isEqualTo("other\n");
    assertThat(otherLayer).as("kept for the next run while its blob is held").isDirectory();
    assertThat(run("run", "-d", "--name", "sleeper", "tools/busybox:1", "--", "sleep", "600"))
        .as(err)
        .isZero();
    assertThat(layers()).isEqualTo(2);

    assertThat(run("evict", other.layerDigest().toString())).as(err).isZero();
    assertThat(otherLayer).doesNotExist();
    assertThat(sharedLayer).isDirectory();
    assertThat(layers()).isOne();

    assertThat(run("evict", image.layerDigest().toString())).as("in use").isOne();
    assertThat(run("stop", "-t", "1", "sleeper")).as(err).isZero();
    assertThat(run("evict", image.layerDigest().toString())).as("stopped, not removed").isOne();
    assertThat(sharedLayer).isDirectory();
    assertThat(run("rm", "sleeper")).as(err).isZero();
    assertThat(sharedLayer).as("its blob is still held").isDirectory();

    assertThat(run("evict", image.layerDigest().toString())).as(err).isZero();
    assertThat(sharedLayer).doesNotExist();
    assertThat(layers()).isZero();
    assertThat(run("run", "--rm", "tools/busybox:1", "--", "true"))
        .as("pulled and unpacked again: %s", err)
        .isZero();
    assertThat(sharedLayer).isDirectory();
  }

  private Path layerDir(BusyboxImage i) {
    return data.resolve("layers").resolve("sha256-" + i.diffId().hex());
  }

  /** The unpacked layers shoal status counts. */
  private long layers() throws Exception {
    assertThat(run("status", "--json")).as(err).isZero();
    return new ObjectMapper().readTree(text).path("layers").path("count").asLong();
  }

  private static boolean eventually(java.util.function.BooleanSupplier check)
      throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
