package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.PreheatRequest;
import dev.shoal.proto.control.v1.PreheatResponse;
import dev.shoal.proto.control.v1.PreheatedBlob;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shoal preheat IMAGE --copies K}: before a rollout, the swarm's home peers of every blob of
 * an image download it, so that the rollout finds it in the swarm. Ends once they hold it.
 */
@Command(
    name = "preheat",
    description = {
      "Make the first K home peers of every blob of IMAGE hold it, before a rollout.",
      "Asks the local agent (--agent), which must be in a swarm (--peers)."
    })
public final class PreheatCommand implements Callable<Integer> {
  /** The agent gives up after ten minutes; this leaves it time to answer. */
  private static final long DEADLINE_MINUTES = 11;

  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Parameters(
      paramLabel = "IMAGE",
      description = "REGISTRY/REPOSITORY:TAG (or @sha256:…) of an upstream the agent has.")
  String image;

  @Option(
      names = "--copies",
      defaultValue = "1",
      paramLabel = "K",
      description = "How many home peers hold each blob (default: ${DEFAULT-VALUE}).")
  int copies;

  private final Environment env;

  PreheatCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    if (copies < 1) {
      throw new FailureException("--copies: " + copies + " (expected: 1 or more)");
    }
    PreheatRequest request = PreheatRequest.newBuilder().setImage(image).setCopies(copies).build();
    PreheatResponse r =
        connection.call(
            env.variables(),
            stub -> stub.withDeadlineAfter(DEADLINE_MINUTES, TimeUnit.MINUTES).preheat(request));
    PrintWriter out = spec.commandLine().getOut();
    if (connection.json) {
      out.println(AgentConnection.toJson(r));
      out.flush();
      return 0;
    }
    Table table = new Table("BLOB", "SIZE", "HELD BY");
    int short_ = 0;
    for (PreheatedBlob b : r.getBlobsList()) {
      table.row(
          b.getDigest().substring(0, Math.min(19, b.getDigest().length())),
          Human.bytes(b.getSize()),
          b.getHoldersCount() == 0 ? "-" : String.join(", ", b.getHoldersList()));
      if (b.getHoldersCount() < copies) {
        short_++;
      }
    }
    table.print(out);
    out.println(
        "image "
            + r.getManifestDigest()
            + ": "
            + r.getBlobsCount()
            + " blobs"
            + (short_ == 0
                ? ", each on " + copies + " member(s)"
                : ", " + short_ + " short of " + copies));
    out.flush();
    return short_ == 0 ? 0 : 1;
  }
}
