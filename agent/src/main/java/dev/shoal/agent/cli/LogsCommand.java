package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shoal logs [-f] ID|NAME}: a container's stdout and stderr, kept by the agent. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a container's output: its stdout to stdout, its stderr to stderr.",
      "-f follows it until the container exits."
    })
public final class LogsCommand implements Callable<Integer> {
  @Mixin AgentConnection connection;

  @Parameters(paramLabel = "ID|NAME", description = "A container id, id prefix or name.")
  String container;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing until it exits.")
  boolean follow;

  private final Environment env;
  private final PrintStream stdout;
  private final PrintStream stderr;

  LogsCommand(Environment env, PrintStream stdout, PrintStream stderr) {
    this.env = requireNonNull(env, "env");
    this.stdout = requireNonNull(stdout, "stdout");
    this.stderr = requireNonNull(stderr, "stderr");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    try (AgentConnection.Session agent = connection.open(env.variables())) {
      new ContainerOutput(stdout, stderr).copy(agent, container, follow);
    }
    return 0;
  }
}
