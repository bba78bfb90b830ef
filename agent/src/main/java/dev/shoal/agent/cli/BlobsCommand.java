package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.BlobEntry;
import dev.shoal.proto.control.v1.ListBlobsRequest;
import dev.shoal.proto.control.v1.ListBlobsResponse;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shoal blobs}: every blob in the agent's store, most recently used first. */
@Command(name = "blobs", description = "List the blobs in the agent's store.")
public final class BlobsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  private final Environment env;
  private final Clock clock;

  BlobsCommand(Environment env, Clock clock) {
    this.env = requireNonNull(env, "env");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    ListBlobsResponse r =
        connection.call(
            env.variables(), stub -> stub.listBlobs(ListBlobsRequest.getDefaultInstance()));
    PrintWriter out = spec.commandLine().getOut();
    if (connection.json) {
      out.println(AgentConnection.toJson(r));
      out.flush();
      return 0;
    }
    Table t = new Table("DIGEST", "SIZE", "STATE", "LAST USED", "KEPT BY", "MEDIA TYPE");
    r.getBlobsList().stream()
        .sorted(Comparator.comparingLong(BlobEntry::getLastAccessMillis).reversed())
        .forEach(
            b ->
                t.row(
                    b.getDigest().substring(0, Math.min(b.getDigest().length(), 19)),
                    Human.bytes(b.getSize()),
                    state(b),
                    Human.duration(
                            Duration.between(
                                Instant.ofEpochMilli(b.getLastAccessMillis()), clock.instant()))
                        + " ago",
                    keptBy(b),
                    b.getMediaType()));
    t.print(out);
    return 0;
  }

  private static String state(BlobEntry b) {
    if (!b.getQuarantine().isEmpty()) {
      return "quarantined";
    }
    return b.getComplete() ? "complete" : "partial " + b.getPiecesHeld() + "/" + b.getPieceCount();
  }

  private static String keptBy(BlobEntry b) {
    if (b.getPinsCount() == 0 && b.getHoldersCount() == 0) {
      return "-";
    }
    StringBuilder s = new StringBuilder();
    b.getPinsList().forEach(p -> s.append(s.length() == 0 ? "" : ",").append("pin:").append(p));
    b.getHoldersList().forEach(h -> s.append(s.length() == 0 ? "" : ",").append(h));
    return s.toString();
  }
}
