package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.PullProgress;
import dev.shoal.proto.control.v1.PullRequest;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shoal pull}: has the agent pull an image into its store through its own mirror, showing
 * each blob's progress and where its bytes came from, then a summary.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Pull an image into the agent's store (peers first, as containerd would), showing each "
          + "layer's bytes, rate and sources (local, peer, origin), then a summary.",
      "Without a terminal (or with --quiet): one line per layer as it completes."
    })
public final class PullCommand implements Callable<Integer> {
  /** A big image over a slow link takes long; this is only the call's outer bound. */
  private static final long DEADLINE_HOURS = 12;

  @Spec CommandSpec spec;
  @Mixin AgentConnection connection;

  @Option(
      names = {"-q", "--quiet"},
      description = "No live progress bars: one line per layer as it completes.")
  boolean quiet;

  @Parameters(
      paramLabel = "IMAGE",
      description =
          "[REGISTRY/]REPOSITORY[:TAG][@DIGEST]; without a registry, the agent's upstream.")
  String image;

  private final Environment env;
  private final boolean terminal;

  /**
   * @param terminal whether stdout is a terminal, which lines can be redrawn on
   */
  PullCommand(Environment env, boolean terminal) {
    this.env = requireNonNull(env, "env");
    this.terminal = terminal;
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    PrintWriter out = spec.commandLine().getOut();
    PullView view = connection.json ? null : new PullView(out, terminal && !quiet);
    PullRequest request = PullRequest.newBuilder().setImage(image).build();
    PullProgress last =
        connection.call(
            env.variables(),
            stub -> {
              Iterator<PullProgress> it =
                  stub.withDeadlineAfter(DEADLINE_HOURS, TimeUnit.HOURS).pull(request);
              PullProgress p = null;
              while (it.hasNext()) {
                p = it.next();
                if (view != null) {
                  view.update(p);
                }
              }
              return p;
            });
    if (last == null || !last.getDone()) {
      throw new FailureException(
          "the agent ended the pull of " + image + " before it completed: pull again");
    }
    if (view == null) {
      out.println(AgentConnection.toJson(last));
    } else {
      view.summary(last);
    }
    out.flush();
    return 0;
  }
}
