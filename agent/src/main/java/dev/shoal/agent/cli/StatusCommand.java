package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.PeerState;
import dev.shoal.proto.control.v1.StatusRequest;
import dev.shoal.proto.control.v1.StatusResponse;
import dev.shoal.proto.control.v1.StoreStatus;
import dev.shoal.proto.control.v1.Transfer;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shoal status}: what the local agent is and what its store holds. */
@Command(
    name = "status",
    description = "Show the agent's store, disk use, limits, transfers and peers.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  private final Environment env;
  private final Clock clock;

  StatusCommand(Environment env, Clock clock) {
    this.env = requireNonNull(env, "env");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    StatusResponse s =
        connection.call(env.variables(), stub -> stub.status(StatusRequest.getDefaultInstance()));
    PrintWriter out = spec.commandLine().getOut();
    if (connection.json) {
      out.println(AgentConnection.toJson(s));
      out.flush();
      return 0;
    }
    StoreStatus st = s.getStore();
    Duration up = Duration.between(Instant.ofEpochMilli(s.getStartedMillis()), clock.instant());
    long diskUsed = st.getDiskTotalBytes() - st.getDiskUsableBytes();
    Table table = new Table("", "");
    table
        .row(
            "agent",
            s.getMirrorUrl() + "  (shoal " + s.getVersion() + ", up " + Human.duration(up) + ")")
        .row("data", s.getDataDir())
        .row("blobs", st.getCompleteBlobs() + " complete, " + Human.bytes(st.getCompleteBytes()))
        .row(
            "layers",
            s.hasLayers()
                ? s.getLayers().getCount()
                    + " unpacked, "
                    + Human.bytes(s.getLayers().getBytes())
                    + " (kept while their blobs are)"
                : "none (this agent runs no containers)")
        .row(
            "downloads",
            st.getPartialBlobs() + " partial, " + Human.bytes(st.getPartialBytes()) + " held")
        .row(
            "disk",
            Human.percent(
                    st.getDiskTotalBytes() == 0 ? 0 : (double) diskUsed / st.getDiskTotalBytes())
                + " used of "
                + Human.bytes(st.getDiskTotalBytes()))
        .row(
            "eviction",
            "above "
                + Human.percent(st.getHighWatermark())
                + " disk, down to "
                + Human.percent(st.getLowWatermark())
                + (st.getMaxBytes() > 0
                    ? "; store limit " + Human.bytes(st.getMaxBytes())
                    : "; no store limit"))
        .row("transfers", s.getTransfersInFlight() + " in flight");
    for (Transfer t : s.getTransfersList()) {
      table.row(
          "",
          t.getDigest()
              + "  "
              + Human.bytes(t.getBytesDone())
              + " / "
              + Human.bytes(t.getSize())
              + ("  " + PullView.sources(t.getBytesBySourceMap())).stripTrailing());
    }
    if (!s.getPeerAddress().isEmpty() || s.getPeersCount() > 0) {
      table.row(
          "swarm",
          (s.getPeerAddress().isEmpty() ? "no peer port" : "peer port " + s.getPeerAddress())
              + "; "
              + s.getPeersCount()
              + " other member(s)"
              + (s.getPeersCount() > 0 ? " (" + s.getPeersAnswering() + " answering)" : ""));
    }
    // A fleet's members are many: those not answering are the ones to see, each on a line.
    for (PeerState p : s.getPeerStatesList()) {
      if (!p.getState().equals("answering")) {
        table.row(
            "peer",
            p.getAddress()
                + "  "
                + p.getState().replace('_', ' ')
                + (p.getDetail().isEmpty() ? "" : ": " + p.getDetail()));
      }
    }
    s.getFetchedBytesMap().entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(e -> table.row("fetched", Human.bytes(e.getValue()) + " from " + e.getKey()));
    table.print(out);
    return 0;
  }
}
