package dev.shoal.agent.cli;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.proto.control.v1.LogsRequest;
import dev.shoal.proto.control.v1.LogsResponse;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A container's output from the agent's Logs stream, written byte for byte to this process's stdout
 * and stderr; shared by {@code run} and {@code logs}.
 */
final class ContainerOutput {
  /** A followed stream lasts as long as the container; this is only the call's outer bound. */
  private static final long FOLLOW_DEADLINE_DAYS = 365;

  private final PrintStream out;
  private final PrintStream err;

  ContainerOutput(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Copies the output (until the container exits, with {@code follow}); returns the last message.
   */
  LogsResponse copy(AgentConnection.Session agent, String id, boolean follow)
      throws FailureException {
    LogsRequest req = LogsRequest.newBuilder().setContainer(id).setFollow(follow).build();
    return agent.call(
        stub -> {
          Iterator<LogsResponse> it =
              stub.withDeadlineAfter(FOLLOW_DEADLINE_DAYS, TimeUnit.DAYS).logs(req);
          LogsResponse last = LogsResponse.getDefaultInstance();
          while (it.hasNext()) {
            last = it.next();
            if (!last.getData().isEmpty()) {
              PrintStream to = last.getStream() == LogsResponse.Stream.STREAM_STDERR ? err : out;
              byte[] data = last.getData().toByteArray();
              to.write(data, 0, data.length);
              to.flush();
            }
          }
          return last;
        });
  }
}
