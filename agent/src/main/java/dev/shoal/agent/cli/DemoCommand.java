package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.files.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal demo}: the whole path on 127.0.0.1, with data in a fresh temporary directory: an
 * origin and three agents in a swarm as child processes; an image built from an artifact of this
 * repository and pushed with a token; a pull on every agent at once, with where each agent's bytes
 * came from; the container run with runc on one agent. Then everything stops and the data is
 * deleted ({@code --for} keeps the servers up a while first). The children also stop by themselves
 * if this process dies.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "On 127.0.0.1, with data in a temporary directory: start an origin and three agents in a",
      "swarm, build an image and push it with a token, pull it on every agent at once and show",
      "where each agent's bytes came from, run it with runc on one agent, then stop everything."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final String PREFIX = "shoal-demo-";
  private static final int AGENTS = 3;
  private static final String REPO = "admin/hello";
  private static final String TAG = "v1";

  /**
   * Names the demo that owns a data directory. A directory whose owner is gone (killed with
   * SIGKILL, so its cleanup never ran) is deleted by the next demo.
   */
  private static final String OWNER_FILE = "demo.pid";

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Keep the servers up this long after the demo, e.g. 30s or 5m (default: stop).")
  Duration runFor;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "120s",
      description = "How long the servers may take to become ready (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--keep", description = "Keep the data directory on exit.")
  boolean keep;

  private final Environment env;
  private final PrintStream out = System.out;
  private final PrintStream log = System.err;
  private final List<ChildServer> children = new CopyOnWriteArrayList<>();
  private Path dataRoot;
  private boolean stopped;
  private volatile boolean stopping;

  DemoCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() throws Exception {
    Path launcher =
        env.launcher()
            .orElseThrow(
                () ->
                    new ConfigException(
                        Environment.LAUNCHER
                            + " is not set (start the demo with the launcher: ./shoal demo)"));
    dataRoot = Files.createTempDirectory(PREFIX);
    if (!keep) {
      Files.writeString(dataRoot.resolve(OWNER_FILE), ProcessHandle.current().pid() + "\n");
    }
    deleteAbandoned(dataRoot.getParent());
    // Registered before the first child starts: no path out of here leaves a process behind.
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopQuietly, "shoal-demo-stop"));
    try {
      run(launcher);
      return 0;
    } finally {
      stop();
    }
  }

  private void run(Path launcher) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String self = String.valueOf(ProcessHandle.current().pid());
    String password = randomPassword();
    Path logs = Files.createDirectories(dataRoot.resolve("logs"));

    step("starting an origin and %d agents in a swarm on 127.0.0.1", AGENTS);
    Path originData = dataRoot.resolve("origin");
    ChildServer origin =
        start(
            launcher,
            "origin",
            "origin",
            List.of(
                "--listen",
                "127.0.0.1:0",
                "--events-listen",
                "127.0.0.1:0",
                "--data",
                originData.toString()),
            Map.of("SHOAL_ADMIN_PASSWORD", password),
            logs,
            self);
    URI originUri = awaitListening(origin, deadline);
    List<HostPort> peerPorts = freePeerPorts(AGENTS);
    String peers = String.join(",", peerPorts.stream().map(HostPort::toString).toList());
    List<ChildServer> agents = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      agents.add(
          start(
              launcher,
              "agent",
              "agent" + (i + 1),
              List.of(
                  "--listen",
                  "127.0.0.1:0",
                  "--control-listen",
                  "127.0.0.1:0",
                  "--peer-listen",
                  peerPorts.get(i).toString(),
                  "--peers",
                  peers,
                  // Loopback only: the lab setting; a fleet uses --peer-ca/--peer-cert/--peer-key.
                  "--peer-plaintext",
                  "--data",
                  dataRoot.resolve("agent" + (i + 1)).toString(),
                  "--upstream",
                  originUri.toString()),
              Map.of(),
              logs,
              self));
    }
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    origin.awaitReady(client, originUri, deadline);
    List<DemoPull.Agent> pulling = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      ChildServer a = agents.get(i);
      URI mirror = awaitListening(a, deadline);
      a.awaitReady(client, mirror, deadline);
      pulling.add(
          new DemoPull.Agent(
              a.role(),
              mirror,
              HostPort.parse("control", a.controlAddress()),
              peerPorts.get(i).toString()));
      out.printf(
          "  %s: %s (pid %d, control %s, peer %s)%n",
          a.role(), mirror, a.pid(), a.controlAddress(), peerPorts.get(i));
    }
    out.printf("  origin: %s (pid %d, account admin)%n", originUri, origin.pid());
    out.printf(
        "shoal demo: data in %s (%s), logs in %s%n",
        dataRoot, keep ? "kept on exit" : "deleted on exit; --keep keeps it", logs);

    String registry = originUri.getAuthority();
    String image = registry + "/" + REPO + ":" + TAG;
    step("building %s from %s and pushing it with a token", image, DemoImage.describe());
    Map<String, String> creds =
        Map.of(
            "SHOAL_ORIGIN",
            originUri.toString(),
            "SHOAL_ORIGIN_USER",
            "admin",
            "SHOAL_ORIGIN_PASSWORD",
            password);
    List<String> build = new ArrayList<>(List.of("build"));
    build.addAll(DemoImage.buildArgs(env, Files.createDirectories(dataRoot.resolve("image"))));
    build.addAll(List.of("-t", image, "--push"));
    String built = tool(launcher, build, creds, Instant.now().plus(timeout));
    out.printf("  manifest %s%n", lastLine(built));
    DemoOrigin.makePublic(client, originUri, "admin", password, REPO);

    step("pulling it on all %d agents at once", AGENTS);
    DemoPull.pullEverywhere(pulling, REPO, TAG, out);

    DemoPull.Agent runner = pulling.get(0);
    if (DemoImage.canRun()) {
      step("running it on %s with runc", runner.name());
      String output =
          tool(
              launcher,
              List.of("run", "--agent", runner.control().toString(), "--rm", image),
              Map.of(),
              Instant.now().plus(timeout));
      output.lines().forEach(l -> out.println("  | " + l));
    } else {
      step("not running it: %s", DemoImage.whyNotRun());
    }
    out.flush();

    if (runFor == null) {
      return;
    }
    out.printf(
        "shoal demo: servers stay up for %s (Ctrl-C stops them sooner); try: ./shoal status"
            + " --agent %s%n",
        format(runFor), runner.control());
    out.flush();
    List<CompletableFuture<Process>> exits = new ArrayList<>();
    children.forEach(c -> exits.add(c.onExit()));
    CompletableFuture<Object> anyExit =
        CompletableFuture.anyOf(exits.toArray(CompletableFuture[]::new));
    try {
      anyExit.get(runFor.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return; // --for elapsed: the normal end.
    }
    if (!isStopping()) {
      ChildServer gone =
          children.stream().filter(c -> c.onExit().isDone()).findFirst().orElseThrow();
      throw new FailureException(
          gone.role()
              + " exited unexpectedly with status "
              + exitValue(gone)
              + " (logs in "
              + logs
              + ")");
    }
  }

  private void step(String format, Object... args) {
    out.printf("shoal demo: " + format + "%n", args);
    out.flush();
  }

  /** Runs {@code launcher args…} to its end; returns its output, or fails with it. */
  private String tool(
      Path launcher, List<String> args, Map<String, String> extraEnv, Instant deadline)
      throws IOException, InterruptedException, FailureException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(args);
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().putAll(extraEnv);
    Process p = b.start();
    p.getOutputStream().close();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "";
              }
            });
    long wait = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    if (!p.waitFor(wait, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new FailureException("shoal " + args.get(0) + " did not finish in time");
    }
    String text = output.join();
    if (p.exitValue() != 0) {
      text.lines().forEach(l -> log.println("  | " + l));
      throw new FailureException(
          "shoal " + args.get(0) + " failed with status " + p.exitValue() + " (output above)");
    }
    return text;
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static String randomPassword() {
    byte[] b = new byte[18];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static List<HostPort> freePeerPorts(int n) throws IOException {
    List<java.net.ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(s -> new HostPort("127.0.0.1", s.getLocalPort())).toList();
    } finally {
      for (java.net.ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private ChildServer start(
      Path launcher,
      String role,
      String name,
      List<String> args,
      Map<String, String> extraEnv,
      Path logs,
      String parentPid)
      throws IOException {
    List<String> all = new ArrayList<>(args);
    all.add("--exit-with-pid");
    all.add(parentPid);
    synchronized (this) {
      if (stopped) {
        throw new IOException("stopping: not starting " + name);
      }
      PrintStream logFile =
          new PrintStream(
              Files.newOutputStream(logs.resolve(name + ".log")), true, StandardCharsets.UTF_8);
      ChildServer child = ChildServer.start(launcher, role, name, all, extraEnv, logFile);
      children.add(child);
      return child;
    }
  }

  private static URI awaitListening(ChildServer child, Instant deadline)
      throws FailureException, InterruptedException {
    return child.awaitListening(deadline);
  }

  private boolean isStopping() {
    return stopping;
  }

  /** Stops every child (agent first), then deletes the data unless {@code --keep}. Idempotent. */
  private synchronized void stop() throws InterruptedException {
    stopping = true;
    if (stopped) {
      return;
    }
    stopped = true;
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).stop(STOP_GRACE);
    }
    String data = "";
    if (dataRoot != null && !keep) {
      try {
        FileTrees.delete(dataRoot);
        data = "; deleted " + dataRoot;
      } catch (IOException e) {
        data = "; could not delete " + dataRoot + ": " + e;
      }
    } else if (dataRoot != null) {
      data = "; kept " + dataRoot;
    }
    List<String> roles = children.stream().map(ChildServer::role).toList();
    String stopped = roles.isEmpty() ? "" : " " + String.join(", ", roles);
    out.println("shoal demo: stopped" + stopped + data);
    out.flush();
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes the data directories of earlier demos that died without cleaning up. */
  private void deleteAbandoned(Path tmp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (dir.equals(dataRoot) || !Files.isRegularFile(owner)) {
          continue;
        }
        String pid = Files.readString(owner).strip();
        boolean alive =
            pid.matches("[0-9]{1,18}")
                && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
          FileTrees.delete(dir);
          log.println("shoal demo: deleted " + dir + " (left by a demo that was killed)");
        }
      }
    } catch (IOException e) {
      // Best effort: a leftover directory only costs disk space; say so and carry on.
      log.println("shoal demo: could not clean up old demo directories in " + tmp + ": " + e);
    }
  }

  private static String exitValue(ChildServer child) {
    return String.valueOf(child.onExit().join().exitValue());
  }

  private static String format(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
