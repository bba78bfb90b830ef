package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.RemoveContainerRequest;
import dev.shoal.proto.control.v1.RemoveContainerResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shoal rm [-f] ID|NAME}: removes a container, its root file system and logs, and releases
 * its blobs for eviction.
 */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description = {
      "Remove a stopped container: its root file system, logs and record.",
      "Its image's blobs may then be evicted. -f kills a running one first."
    })
public final class RmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Parameters(paramLabel = "ID|NAME", description = "A container id, id prefix or name.")
  String container;

  @Option(
      names = {"-f", "--force"},
      description = "Kill it first if it runs.")
  boolean force;

  private final Environment env;

  RmCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    RemoveContainerRequest req =
        RemoveContainerRequest.newBuilder().setContainer(container).setForce(force).build();
    RemoveContainerResponse r = connection.call(env.variables(), stub -> stub.removeContainer(req));
    spec.commandLine().getOut().println(connection.json ? AgentConnection.toJson(r) : r.getName());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
