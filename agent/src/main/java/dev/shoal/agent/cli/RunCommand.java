package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.runtime.BindMount;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.ContainerEntry;
import dev.shoal.proto.control.v1.LogsResponse;
import dev.shoal.proto.control.v1.RemoveContainerRequest;
import dev.shoal.proto.control.v1.RunRequest;
import dev.shoal.proto.control.v1.RunResponse;
import dev.shoal.proto.control.v1.StopContainerRequest;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shoal run IMAGE [-- CMD ARGS…]}: the agent pulls the image through its mirror and runs it
 * with runc; the container's output and exit code pass through, or with {@code -d} it keeps running
 * and its id is printed.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run IMAGE as a container, with runc, on the agent (--agent).",
      "The agent pulls it through its own mirror first. Output and exit code pass",
      "through; -d leaves it running.",
      "No stdin and no terminal: interactive containers (-i, -t) are not supported.",
      "Ctrl-C stops the container (SIGTERM, SIGKILL after 5 s) unless it runs with -d.",
      "Without --net host the container has its own network with only loopback."
    },
    footer = {
      "",
      "Examples:",
      "  shoal run busybox:1.36 -- sh -c 'echo hi; exit 3'",
      "  shoal run -d --name web -e MODE=prod -v /srv/www:/www:ro reg.example.com/web:1"
    })
public final class RunCommand implements Callable<Integer> {
  /** A pull of a large image can take a while; the agent bounds each of its requests itself. */
  private static final long RUN_DEADLINE_MINUTES = 30;

  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Option(
      names = {"-d", "--detach"},
      description = "Leave it running and print its id.")
  boolean detach;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "A name for it (default: its short id).")
  String name = "";

  @Option(
      names = {"-e", "--env"},
      paramLabel = "NAME[=VALUE]",
      description = "Set a variable; NAME alone takes the value from this shell. Repeatable.")
  List<String> env = new ArrayList<>();

  @Option(
      names = {"-v", "--volume"},
      paramLabel = "HOST:CONTAINER[:ro]",
      description = "Bind-mount a path of the agent's host. Repeatable.")
  List<String> volumes = new ArrayList<>();

  @Option(
      names = "--net",
      paramLabel = "none|host",
      description = "none: own network namespace, loopback only (default); host: the host's.")
  String net = "none";

  @Option(
      names = "--security-opt",
      paramLabel = "seccomp=unconfined",
      description =
          "seccomp=unconfined: no seccomp filter (default: Shoal's profile, which refuses"
              + " e.g. ptrace, unshare -U, mount, bpf, keyctl with EPERM).")
  List<String> securityOpts = new ArrayList<>();

  @Option(names = "--rm", description = "Remove it when it exits (not with -d).")
  boolean remove;

  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description = "[REGISTRY/]REPOSITORY[:TAG][@DIGEST]")
  String image;

  @Parameters(
      index = "1..*",
      paramLabel = "CMD",
      description = "Replaces the image's Cmd (after --).")
  List<String> command = new ArrayList<>();

  private final Environment environment;
  private final PrintStream stdout;
  private final PrintStream stderr;

  RunCommand(Environment environment, PrintStream stdout, PrintStream stderr) {
    this.environment = requireNonNull(environment, "environment");
    this.stdout = requireNonNull(stdout, "stdout");
    this.stderr = requireNonNull(stderr, "stderr");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    RunRequest request = request();
    try (AgentConnection.Session agent = connection.open(environment.variables())) {
      return run(agent, request);
    }
  }

  private int run(AgentConnection.Session agent, RunRequest request) throws FailureException {
    RunResponse r =
        agent.call(
            stub -> stub.withDeadlineAfter(RUN_DEADLINE_MINUTES, TimeUnit.MINUTES).run(request));
    ContainerEntry c = r.getContainer();
    PrintWriter out = spec.commandLine().getOut();
    if (detach) {
      out.println(connection.json ? AgentConnection.toJson(c) : c.getId());
      out.flush();
      return 0;
    }
    // Ctrl-C while following stops the container too, as a foreground process would end; on a
    // connection of its own, as this one may be in the middle of a call.
    Thread stopOnExit = new Thread(() -> stopQuietly(c.getId()), "shoal-run-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    LogsResponse last;
    try {
      last = new ContainerOutput(stdout, stderr).copy(agent, c.getId(), true);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs (or ran) already: the container is being stopped.
      }
    }
    if (remove) {
      agent.call(
          stub ->
              stub.removeContainer(
                  RemoveContainerRequest.newBuilder().setContainer(c.getId()).build()));
    }
    if (!last.getExited() || last.getState().equals("unknown")) {
      throw new FailureException(
          "container " + c.getName() + " is " + last.getState() + ": see shoal ps -a");
    }
    return last.getExitCode();
  }

  private void stopQuietly(String id) {
    try {
      connection.call(
          environment.variables(),
          stub ->
              stub.stopContainer(
                  StopContainerRequest.newBuilder().setContainer(id).setTimeoutSeconds(5).build()));
    } catch (ConfigException | FailureException e) {
      // Shutting down: nobody is left to tell; the container shows in shoal ps.
    }
  }

  private RunRequest request() throws FailureException {
    if (detach && remove) {
      throw new FailureException("--rm and -d do not go together: remove it later with shoal rm");
    }
    if (!net.equals("none") && !net.equals("host")) {
      throw new FailureException("--net " + net + " (expected: none or host)");
    }
    List<String> args = new ArrayList<>(command);
    if (!args.isEmpty() && args.get(0).equals("--")) {
      args.remove(0);
    }
    RunRequest.Builder b =
        RunRequest.newBuilder()
            .setImage(image)
            .setName(name)
            .addAllArgs(args)
            .setHostNetwork(net.equals("host"))
            .addAllSecurityOpt(securityOpts);
    for (String e : env) {
      if (e.contains("=")) {
        b.addEnv(e);
      } else {
        String value = environment.variables().get(e);
        if (value != null) {
          b.addEnv(e + "=" + value);
        }
      }
    }
    for (String v : volumes) {
      BindMount m;
      try {
        m = BindMount.parse(v);
      } catch (IllegalArgumentException e) {
        throw new FailureException(e.getMessage());
      }
      b.addMounts(
          dev.shoal.proto.control.v1.BindMount.newBuilder()
              .setHostPath(absolute(m.hostPath()))
              .setContainerPath(m.containerPath())
              .setReadOnly(m.readOnly()));
    }
    return b.build();
  }

  /** A relative host path is relative to where shoal runs, as a user expects. */
  private static String absolute(String path) {
    return java.nio.file.Path.of(path).toAbsolutePath().normalize().toString();
  }
}
