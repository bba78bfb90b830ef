package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.ContainerEntry;
import dev.shoal.proto.control.v1.ListContainersRequest;
import dev.shoal.proto.control.v1.ListContainersResponse;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shoal ps}: the agent's containers as a table, or JSON with {@code --json}. */
@Command(
    name = "ps",
    mixinStandardHelpOptions = true,
    description = "List the agent's running containers (-a: all of them).")
public final class PsCommand implements Callable<Integer> {
  private static final int COMMAND_WIDTH = 30;

  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Option(
      names = {"-a", "--all"},
      description = "Also exited ones.")
  boolean all;

  private final Environment env;
  private final Clock clock;

  PsCommand(Environment env, Clock clock) {
    this.env = requireNonNull(env, "env");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    ListContainersResponse r =
        connection.call(
            env.variables(),
            stub -> stub.listContainers(ListContainersRequest.newBuilder().setAll(all).build()));
    PrintWriter out = spec.commandLine().getOut();
    if (connection.json) {
      out.println(AgentConnection.toJson(r));
      out.flush();
      return 0;
    }
    Table table = new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAME");
    for (ContainerEntry c : r.getContainersList()) {
      table.row(
          c.getId().substring(0, Math.min(12, c.getId().length())),
          c.getImage(),
          command(c),
          ago(c.getCreatedMillis()),
          status(c),
          c.getName());
    }
    table.print(out);
    return 0;
  }

  private String command(ContainerEntry c) {
    String s = "\"" + String.join(" ", c.getArgsList()) + "\"";
    return s.length() > COMMAND_WIDTH ? s.substring(0, COMMAND_WIDTH - 2) + "…\"" : s;
  }

  private String status(ContainerEntry c) {
    return switch (c.getState()) {
      case "running" -> "Up " + Human.duration(since(c.getStartedMillis()));
      case "exited" -> "Exited (" + c.getExitCode() + ") " + ago(c.getFinishedMillis());
      case "created" -> "Created";
      default -> "Unknown (it ended while the agent was down)";
    };
  }

  private String ago(long millis) {
    return Human.duration(since(millis)) + " ago";
  }

  private Duration since(long millis) {
    Duration d = Duration.between(Instant.ofEpochMilli(millis), clock.instant());
    return d.isNegative() ? Duration.ZERO : d;
  }
}
