package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.EvictRequest;
import dev.shoal.proto.control.v1.EvictResponse;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shoal evict [DIGEST…]}: run eviction now, or remove the named blobs. */
@Command(
    name = "evict",
    description = {
      "Without digests: evict by the store's limits now (least recently used first; never pinned"
          + " or in-use blobs), as the agent does on its own schedule.",
      "With digests: remove exactly those blobs; pinned or in-use ones are refused."
    })
public final class EvictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Parameters(paramLabel = "DIGEST", arity = "0..*", description = "sha256:… of a blob to remove.")
  List<String> digests = new ArrayList<>();

  private final Environment env;

  EvictCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    EvictResponse r =
        connection.call(
            env.variables(),
            stub -> stub.evict(EvictRequest.newBuilder().addAllDigests(digests).build()));
    PrintWriter out = spec.commandLine().getOut();
    if (connection.json) {
      out.println(AgentConnection.toJson(r));
    } else if (r.getEvictedCount() == 0 && r.getReason().isEmpty()) {
      out.println("nothing to evict: the store is within its limits");
    } else {
      out.println(
          "evicted "
              + r.getEvictedCount()
              + (r.getEvictedCount() == 1 ? " blob" : " blobs")
              + ", freed "
              + Human.bytes(r.getFreedBytes())
              + " ("
              + r.getReason()
              + ")");
      r.getEvictedList().forEach(d -> out.println("  " + d));
      if (r.getShortBytes() > 0) {
        out.println(
            "still over the limit by "
                + Human.bytes(r.getShortBytes())
                + ": everything left is pinned, in use or downloading (see: shoal blobs)");
      }
    }
    out.flush();
    return 0;
  }
}
