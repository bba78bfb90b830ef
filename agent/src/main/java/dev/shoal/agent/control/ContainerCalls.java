package dev.shoal.agent.control;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.shoal.agent.runtime.BindMount;
import dev.shoal.agent.runtime.ContainerException;
import dev.shoal.agent.runtime.Containers;
import dev.shoal.agent.runtime.LayerUsage;
import dev.shoal.agent.runtime.LogCursor;
import dev.shoal.agent.runtime.RunSpec;
import dev.shoal.agent.runtime.Seccomp;
import dev.shoal.proto.control.v1.ContainerEntry;
import dev.shoal.proto.control.v1.LayerStatus;
import dev.shoal.proto.control.v1.ListContainersRequest;
import dev.shoal.proto.control.v1.ListContainersResponse;
import dev.shoal.proto.control.v1.LogsRequest;
import dev.shoal.proto.control.v1.LogsResponse;
import dev.shoal.proto.control.v1.RemoveContainerRequest;
import dev.shoal.proto.control.v1.RemoveContainerResponse;
import dev.shoal.proto.control.v1.RunRequest;
import dev.shoal.proto.control.v1.RunResponse;
import dev.shoal.proto.control.v1.StatusResponse;
import dev.shoal.proto.control.v1.StopContainerRequest;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.ContainerState;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container calls of the control API (run, list, stop, remove, logs) over {@link Containers};
 * {@link ContainerException}s become gRPC statuses here. A log stream runs on a thread of its own,
 * sends only while the client is ready, and ends when the client cancels.
 */
final class ContainerCalls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerCalls.class);
  private static final int CHUNK = 64 << 10;

  /**
   * Bounds of the wait between two reads of a followed container's log files, which runc writes
   * without telling us: a tenth of the time since the last output, so that a line after a pause
   * waits at most about 10% of that pause, and an idle follower reads 5 times a second.
   */
  static final Duration FOLLOW_POLL_MIN = Duration.ofMillis(10);

  static final Duration FOLLOW_POLL_MAX = Duration.ofMillis(200);

  private final Containers containers;
  private final ExecutorService streams =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "shoal-logs");
            t.setDaemon(true);
            return t;
          });

  ContainerCalls(Containers containers) {
    this.containers = requireNonNull(containers, "containers");
  }

  void run(RunRequest r, StreamObserver<RunResponse> out) {
    try {
      List<BindMount> mounts = new ArrayList<>();
      r.getMountsList()
          .forEach(
              m ->
                  mounts.add(
                      new BindMount(m.getHostPath(), m.getContainerPath(), m.getReadOnly())));
      RunSpec spec =
          new RunSpec(
              r.getImage(),
              r.getName(),
              r.getEnvList(),
              mounts,
              r.getArgsList(),
              r.getHostNetwork(),
              Seccomp.fromSecurityOpts(r.getSecurityOptList()));
      ContainerRecord rec = containers.run(spec);
      out.onNext(RunResponse.newBuilder().setContainer(entry(rec)).build());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(status(e));
    }
  }

  /** Adds the unpacked layers to a status. */
  void status(StatusResponse.Builder b) throws IOException {
    LayerUsage u = containers.layerUsage();
    b.setLayers(LayerStatus.newBuilder().setCount(u.count()).setBytes(u.bytes()));
  }

  void list(ListContainersRequest r, StreamObserver<ListContainersResponse> out) {
    try {
      ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
      containers.list(r.getAll()).forEach(c -> b.addContainers(entry(c)));
      out.onNext(b.build());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(status(e));
    }
  }

  void stop(StopContainerRequest r, StreamObserver<ContainerEntry> out) {
    try {
      Duration timeout =
          r.getTimeoutSeconds() == 0 ? null : Duration.ofSeconds(r.getTimeoutSeconds());
      out.onNext(entry(containers.stop(r.getContainer(), timeout)));
      out.onCompleted();
    } catch (IOException e) {
      out.onError(status(e));
    }
  }

  void remove(RemoveContainerRequest r, StreamObserver<RemoveContainerResponse> out) {
    try {
      ContainerRecord c = containers.remove(r.getContainer(), r.getForce());
      out.onNext(
          RemoveContainerResponse.newBuilder().setId(c.getId()).setName(c.getName()).build());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(status(e));
    }
  }

  void logs(LogsRequest r, StreamObserver<LogsResponse> out) {
    ServerCallStreamObserver<LogsResponse> call = (ServerCallStreamObserver<LogsResponse>) out;
    LogCursor cursor;
    try {
      cursor = containers.logs(r.getContainer());
    } catch (IOException e) {
      out.onError(status(e));
      return;
    }
    Object ready = new Object();
    Runnable wake =
        () -> {
          synchronized (ready) {
            ready.notifyAll();
          }
        };
    call.setOnReadyHandler(wake);
    call.setOnCancelHandler(wake);
    streams.execute(() -> stream(cursor, r.getFollow(), call, ready));
  }

  private void stream(
      LogCursor cursor, boolean follow, ServerCallStreamObserver<LogsResponse> call, Object ready) {
    try {
      long lastOutput = System.nanoTime();
      while (!call.isCancelled()) {
        // Read after learning it is not running: then nothing it wrote can come later.
        boolean running = cursor.running();
        List<LogCursor.Chunk> chunks = cursor.poll(CHUNK);
        for (LogCursor.Chunk c : chunks) {
          if (!awaitReady(call, ready)) {
            return;
          }
          call.onNext(
              LogsResponse.newBuilder()
                  .setStream(
                      c.stderr()
                          ? LogsResponse.Stream.STREAM_STDERR
                          : LogsResponse.Stream.STREAM_STDOUT)
                  .setData(ByteString.copyFrom(c.data()))
                  .build());
        }
        if (!chunks.isEmpty()) {
          lastOutput = System.nanoTime();
          continue;
        }
        if (!follow || !running) {
          break;
        }
        cursor.awaitExit(followPoll(Duration.ofNanos(System.nanoTime() - lastOutput)));
      }
      if (call.isCancelled() || !awaitReady(call, ready)) {
        return;
      }
      ContainerRecord rec = cursor.record();
      LogsResponse.Builder last = LogsResponse.newBuilder().setState(state(rec.getState()));
      if (!cursor.running() && rec.getState() != ContainerState.CONTAINER_STATE_CREATED) {
        last.setExited(true).setExitCode(rec.getExitCode());
      }
      call.onNext(last.build());
      call.onCompleted();
    } catch (IOException e) {
      call.onError(status(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.onError(Status.CANCELLED.withDescription("the agent is stopping").asException());
    } catch (RuntimeException e) {
      log.warn("log stream failed", e);
      call.onError(Status.INTERNAL.withDescription(e.toString()).asException());
    }
  }

  /** How long to wait before reading a followed log again, {@code idle} after its last output. */
  static Duration followPoll(Duration idle) {
    Duration d = idle.dividedBy(10);
    if (d.compareTo(FOLLOW_POLL_MIN) < 0) {
      return FOLLOW_POLL_MIN;
    }
    return d.compareTo(FOLLOW_POLL_MAX) > 0 ? FOLLOW_POLL_MAX : d;
  }

  /** Waits until the client takes more; false when it cancelled. */
  private static boolean awaitReady(ServerCallStreamObserver<LogsResponse> call, Object ready)
      throws InterruptedException {
    synchronized (ready) {
      while (!call.isReady() && !call.isCancelled()) {
        ready.wait(FOLLOW_POLL_MAX.toMillis());
      }
    }
    return !call.isCancelled();
  }

  static ContainerEntry entry(ContainerRecord r) {
    return ContainerEntry.newBuilder()
        .setId(r.getId())
        .setName(r.getName())
        .setImage(r.getImage())
        .setManifestDigest(r.getManifestDigest())
        .addAllArgs(r.getArgsList())
        .setState(state(r.getState()))
        .setExitCode(r.getExitCode())
        .setCreatedMillis(r.getCreatedMillis())
        .setStartedMillis(r.getStartedMillis())
        .setFinishedMillis(r.getFinishedMillis())
        .setOverlay(r.getOverlay())
        .setSeccomp(r.getSeccomp())
        .build();
  }

  static String state(ContainerState s) {
    return switch (s) {
      case CONTAINER_STATE_CREATED -> "created";
      case CONTAINER_STATE_RUNNING -> "running";
      case CONTAINER_STATE_EXITED -> "exited";
      default -> "unknown";
    };
  }

  static StatusException status(IOException e) {
    if (e instanceof ContainerException c) {
      Status s =
          switch (c.kind()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.FAILED_PRECONDITION;
            case FAILED -> Status.INTERNAL;
          };
      return s.withDescription(e.getMessage()).asException();
    }
    log.warn("container call failed", e);
    return Status.INTERNAL
        .withDescription(e.getMessage() == null ? e.toString() : e.getMessage())
        .asException();
  }

  @Override
  public void close() {
    streams.shutdownNow();
  }
}
