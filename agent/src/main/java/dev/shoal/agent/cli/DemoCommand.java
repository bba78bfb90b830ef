package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.files.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal demo}: an origin and an agent (upstream: that origin) as child processes on
 * 127.0.0.1, with data in a fresh temporary directory. Runs until Ctrl-C or {@code --for}, then
 * stops both and deletes the data. The children also stop by themselves if this process dies.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Run an origin and an agent on 127.0.0.1 with data in a temporary directory.",
      "Stops both and deletes the data on Ctrl-C, or after --for."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final String PREFIX = "shoal-demo-";

  /**
   * Names the demo that owns a data directory. A directory whose owner is gone (killed with
   * SIGKILL, so its cleanup never ran) is deleted by the next demo.
   */
  private static final String OWNER_FILE = "demo.pid";

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop after this long, e.g. 30s or 5m (default: until Ctrl-C).")
  Duration runFor;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "60s",
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
    Path originData = dataRoot.resolve("origin");
    ChildServer origin =
        start(
            launcher,
            "origin",
            List.of(
                "--listen",
                "127.0.0.1:0",
                "--events-listen",
                "127.0.0.1:0",
                "--data",
                originData.toString()),
            self);
    URI originUri = awaitListening(origin, deadline);
    Path agentData = dataRoot.resolve("agent");
    ChildServer agent =
        start(
            launcher,
            "agent",
            List.of(
                "--listen",
                "127.0.0.1:0",
                "--control-listen",
                "127.0.0.1:0",
                "--data",
                agentData.toString(),
                "--upstream",
                originUri.toString()),
            self);
    URI agentUri = awaitListening(agent, deadline);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    origin.awaitReady(client, originUri, deadline);
    agent.awaitReady(client, agentUri, deadline);

    out.printf(
        "shoal demo: origin listening on %s (pid %d, data %s)%n",
        originUri, origin.pid(), originData);
    out.printf(
        "shoal demo: agent listening on %s (pid %d, upstream %s, data %s)%n",
        agentUri, agent.pid(), originUri, agentData);
    out.printf(
        "shoal demo: data in %s (%s)%n",
        dataRoot, keep ? "kept on exit" : "deleted on exit; --keep keeps it");
    out.printf(
        "shoal demo: ready; try: curl -i %s/v2/  or  ./shoal status --agent %s%n",
        agentUri, agent.controlAddress());
    out.println(
        runFor == null
            ? "shoal demo: running until Ctrl-C"
            : "shoal demo: running for " + format(runFor) + " (Ctrl-C stops it sooner)");
    out.flush();

    CompletableFuture<Object> anyExit = CompletableFuture.anyOf(origin.onExit(), agent.onExit());
    try {
      if (runFor == null) {
        anyExit.get();
      } else {
        anyExit.get(runFor.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException e) {
      return; // --for elapsed: the normal end.
    }
    if (!isStopping()) {
      ChildServer gone = origin.onExit().isDone() ? origin : agent;
      throw new FailureException(
          gone.role() + " exited unexpectedly with status " + exitValue(gone) + " (log above)");
    }
  }

  private ChildServer start(Path launcher, String role, List<String> args, String parentPid)
      throws IOException {
    List<String> all = new ArrayList<>(args);
    all.add("--exit-with-pid");
    all.add(parentPid);
    synchronized (this) {
      if (stopped) {
        throw new IOException("stopping: not starting " + role);
      }
      ChildServer child = ChildServer.start(launcher, role, all, log);
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
    String stopped = roles.isEmpty() ? "" : " " + String.join(" and ", roles);
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
