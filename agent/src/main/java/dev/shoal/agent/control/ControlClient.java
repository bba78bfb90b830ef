package dev.shoal.agent.control;

import dev.shoal.core.config.HostPort;
import dev.shoal.proto.control.v1.ControlGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A connection from the CLI to an agent's control API; every call has a deadline. */
public final class ControlClient implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final HostPort agent;
  private final ManagedChannel channel;

  public ControlClient(HostPort agent) {
    this.agent = agent;
    this.channel =
        NettyChannelBuilder.forAddress(agent.host(), agent.port()).usePlaintext().build();
  }

  /** A stub for one call, with its deadline starting now. */
  public ControlGrpc.ControlBlockingStub call() {
    return ControlGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A one-line explanation of a failed call, with what to do about it. */
  public String explain(StatusRuntimeException e) {
    Status s = e.getStatus();
    return switch (s.getCode()) {
      case UNAVAILABLE ->
          "no agent answers on "
              + agent
              + " (start one with ./shoal agent, or pass --agent HOST:PORT)";
      case DEADLINE_EXCEEDED ->
          "the agent on " + agent + " did not answer within " + DEADLINE.toSeconds() + "s";
      default -> s.getDescription() == null ? s.getCode().toString() : s.getDescription();
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
