package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.ContainerEntry;
import dev.shoal.proto.control.v1.StopContainerRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shoal stop ID|NAME}: SIGTERM, then SIGKILL after a grace period. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = "Stop a container: SIGTERM, then SIGKILL after --time seconds.")
public final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Parameters(paramLabel = "ID|NAME", description = "A container id, id prefix or name.")
  String container;

  @Option(
      names = {"-t", "--time"},
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Seconds from SIGTERM to SIGKILL (default: ${DEFAULT-VALUE}).")
  int seconds;

  private final Environment env;

  StopCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    if (seconds < 1) {
      throw new FailureException("--time " + seconds + " (expected: 1 or more)");
    }
    StopContainerRequest req =
        StopContainerRequest.newBuilder()
            .setContainer(container)
            .setTimeoutSeconds(seconds)
            .build();
    ContainerEntry c =
        connection.call(
            env.variables(),
            stub -> stub.withDeadlineAfter(seconds + 60L, TimeUnit.SECONDS).stopContainer(req));
    spec.commandLine()
        .getOut()
        .println(
            connection.json
                ? AgentConnection.toJson(c)
                : c.getName() + " " + c.getState() + " (" + c.getExitCode() + ")");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
