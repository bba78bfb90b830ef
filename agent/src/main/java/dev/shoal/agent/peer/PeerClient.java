package dev.shoal.agent.peer;

import dev.shoal.core.config.HostPort;
import dev.shoal.proto.peer.v1.PeerGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The connection to one other agent's peer port: mTLS with the fleet CA, or the lab's plaintext.
 */
final class PeerClient implements AutoCloseable {
  /** Pieces are sent in messages of up to 1 MiB; this leaves room for the framing. */
  static final int MAX_MESSAGE = 2 << 20;

  /** What the health check asks about: the peer protocol itself, not just the process. */
  static final String HEALTH_SERVICE = PeerGrpc.SERVICE_NAME;

  /**
   * How a health probe ended.
   *
   * @param serving the peer answered SERVING
   * @param answered the peer answered at all (NOT_SERVING while it shuts down, say), rather than
   *     the call failing or timing out
   * @param detail what went wrong, for the log; empty when serving
   * @param timedOut the probe's deadline passed (rather than the connection failing)
   */
  record Health(boolean serving, boolean answered, String detail, boolean timedOut) {}

  /**
   * How long after the last message from a peer a call to it that timed out is put down to a busy
   * peer or a full link rather than a dead peer: see {@link #heardRecently}.
   */
  static final Duration RECENTLY = Duration.ofSeconds(5);

  private final HostPort address;
  private final ManagedChannel channel;
  private final ManagedChannel bulk;
  private final PeerGrpc.PeerStub async;
  private final PeerGrpc.PeerStub pieces;
  private final PeerGrpc.PeerBlockingStub blocking;
  private final HealthGrpc.HealthStub health;
  private volatile long lastHeard = System.nanoTime() - RECENTLY.toNanos() - 1;
  private volatile int uploads; // as the peer last said; nothing until it says

  /**
   * {@code tls}: the client side of mTLS; empty: plaintext (the lab setting).
   *
   * <p>Two connections: one for pieces, one for everything else (questions, announcements, health).
   * A peer whose uplink is full has megabytes of pieces queued in its socket for this agent; on one
   * connection, the answer to "who holds what" waited behind them for seconds, so downloaders went
   * on asking the busy peer for pieces others already had.
   */
  PeerClient(HostPort address, Optional<SslContext> tls) {
    this.address = address;
    this.channel = dial(address, tls);
    this.bulk = dial(address, tls);
    this.async = PeerGrpc.newStub(channel);
    this.pieces = PeerGrpc.newStub(bulk);
    this.blocking = PeerGrpc.newBlockingStub(channel);
    this.health = HealthGrpc.newStub(channel);
  }

  private ManagedChannel dial(HostPort address, Optional<SslContext> tls) {
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress(address.host(), address.port())
            .maxInboundMessageSize(MAX_MESSAGE);
    b.intercept(new HeardInterceptor());
    if (tls.isPresent()) {
      b.sslContext(tls.get());
    } else {
      b.usePlaintext();
    }
    return b.build();
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

  /**
   * Whether the peer sent anything, on any call, within {@link #RECENTLY}. A peer that streams
   * pieces to this agent is alive even when a probe or a question waits behind those pieces on a
   * full link, or on a host whose CPUs are saturated, past its deadline.
   */
  boolean heardRecently() {
    return System.nanoTime() - lastHeard <= RECENTLY.toNanos();
  }

  /**
   * Whether a call that failed with {@code status} says the peer is gone, rather than that it
   * answered no: it refuses connections, or is connected and does not answer. One still being
   * dialled (a busy host's first handshake) is not gone, nor one that is sending this agent other
   * messages right now (the answer waits behind them).
   */
  boolean gone(Status status) {
    Status.Code code = status.getCode();
    return code == Status.Code.UNAVAILABLE
        || (code == Status.Code.DEADLINE_EXCEEDED && connected() && !heardRecently());
  }

  /** How many piece uploads the peer was serving when it last answered (see {@link UploadLoad}). */
  int uploads() {
    return uploads;
  }

  /**
   * Notes the time of every header and message any call receives from the peer, and the upload
   * count its headers carry.
   */
  private final class HeardInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata h) {
                  lastHeard = System.nanoTime();
                  int n = UploadLoad.read(h);
                  if (n >= 0) {
                    uploads = n;
                  }
                  super.onHeaders(h);
                }

                @Override
                public void onMessage(R message) {
                  lastHeard = System.nanoTime();
                  super.onMessage(message);
                }
              },
              headers);
        }
      };
    }
  }

  /** An async stub whose calls end after {@code deadline}. */
  PeerGrpc.PeerStub async(Duration deadline) {
    redialIfWaiting(channel);
    return async.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An async stub for piece transfers (on their own connection), ending after {@code deadline}. */
  PeerGrpc.PeerStub pieces(Duration deadline) {
    redialIfWaiting(bulk);
    return pieces.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A blocking stub whose calls end after {@code deadline}. */
  PeerGrpc.PeerBlockingStub blocking(Duration deadline) {
    redialIfWaiting(channel);
    return blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A channel whose connection failed waits out a growing backoff (seconds, up to minutes) and
   * fails every call meanwhile: a peer that restarted would be ignored long after it is back. A
   * call made while it waits dials again at once instead; a peer still down fails it as quickly.
   */
  private static void redialIfWaiting(ManagedChannel channel) {
    if (channel.getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
  }

  /**
   * Asks the peer's {@code grpc.health.v1.Health/Check} about the peer service, telling {@code
   * done} once, on a gRPC thread. {@code reconnectNow} skips the channel's reconnect back-off
   * (which grows to minutes while a peer is away), so a peer that came back is seen at the next
   * probe.
   */
  void checkHealth(Duration deadline, boolean reconnectNow, Consumer<Health> done) {
    if (reconnectNow) {
      channel.resetConnectBackoff();
    } else {
      // A channel waiting out its backoff fails the probe at once with the old error: the probe
      // would count a restart that is already over as another miss.
      redialIfWaiting(channel);
    }
    health
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .check(
            HealthCheckRequest.newBuilder().setService(HEALTH_SERVICE).build(),
            new StreamObserver<>() {
              private HealthCheckResponse.ServingStatus status;

              @Override
              public void onNext(HealthCheckResponse r) {
                status = r.getStatus();
              }

              @Override
              public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                boolean answered = s.getCode() == Status.Code.NOT_FOUND; // no such service
                done.accept(
                    new Health(
                        false,
                        answered,
                        describe(s),
                        s.getCode() == Status.Code.DEADLINE_EXCEEDED));
              }

              @Override
              public void onCompleted() {
                boolean serving = status == HealthCheckResponse.ServingStatus.SERVING;
                done.accept(new Health(serving, true, serving ? "" : "health " + status, false));
              }
            });
  }

  /** One line: the code, the description, and the underlying error's message. */
  private static String describe(Status s) {
    StringBuilder b = new StringBuilder(s.getCode().toString());
    if (s.getDescription() != null) {
      b.append(": ").append(s.getDescription());
    }
    if (s.getCause() != null && s.getCause().getMessage() != null) {
      b.append(" (").append(s.getCause().getMessage().lines().findFirst().orElse("")).append(')');
    }
    return b.toString();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    bulk.shutdownNow();
  }
}
