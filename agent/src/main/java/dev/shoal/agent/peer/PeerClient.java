package dev.shoal.agent.peer;

import dev.shoal.core.config.HostPort;
import dev.shoal.proto.peer.v1.PeerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The connection to one other agent's peer port. */
final class PeerClient implements AutoCloseable {
  /** Pieces are sent in messages of up to 1 MiB; this leaves room for the framing. */
  static final int MAX_MESSAGE = 2 << 20;

  private final HostPort address;
  private final ManagedChannel channel;
  private final PeerGrpc.PeerStub async;
  private final PeerGrpc.PeerBlockingStub blocking;

  PeerClient(HostPort address) {
    this.address = address;
    // Plain text: the lab setting. mTLS with a fleet CA is the next step (issue 5).
    this.channel =
        NettyChannelBuilder.forAddress(address.host(), address.port())
            .usePlaintext()
            .maxInboundMessageSize(MAX_MESSAGE)
            .build();
    this.async = PeerGrpc.newStub(channel);
    this.blocking = PeerGrpc.newBlockingStub(channel);
  }

  HostPort address() {
    return address;
  }

  PeerGrpc.PeerStub async() {
    return async;
  }

  /** Whether the connection is up now (a slow answer then means a busy peer, not a slow dial). */
  boolean connected() {
    return channel.getState(false) == io.grpc.ConnectivityState.READY;
  }

  /** An async stub whose calls end after {@code deadline}. */
  PeerGrpc.PeerStub async(Duration deadline) {
    return async.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A blocking stub whose calls end after {@code deadline}. */
  PeerGrpc.PeerBlockingStub blocking(Duration deadline) {
    return blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
