package dev.shoal.agent.control;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.peer.Preheater;
import dev.shoal.agent.runtime.Containers;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import dev.shoal.core.registry.NotFoundException;
import dev.shoal.core.store.BlobInUseException;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.BlobNotFoundException;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.EvictionReport;
import dev.shoal.core.store.StoreConfig;
import dev.shoal.core.store.StoreStats;
import dev.shoal.proto.control.v1.BlobEntry;
import dev.shoal.proto.control.v1.ContainerEntry;
import dev.shoal.proto.control.v1.ControlGrpc;
import dev.shoal.proto.control.v1.EvictRequest;
import dev.shoal.proto.control.v1.EvictResponse;
import dev.shoal.proto.control.v1.ListBlobsRequest;
import dev.shoal.proto.control.v1.ListBlobsResponse;
import dev.shoal.proto.control.v1.ListContainersRequest;
import dev.shoal.proto.control.v1.ListContainersResponse;
import dev.shoal.proto.control.v1.LogsRequest;
import dev.shoal.proto.control.v1.LogsResponse;
import dev.shoal.proto.control.v1.PinRequest;
import dev.shoal.proto.control.v1.PinResponse;
import dev.shoal.proto.control.v1.PreheatRequest;
import dev.shoal.proto.control.v1.PreheatResponse;
import dev.shoal.proto.control.v1.PullProgress;
import dev.shoal.proto.control.v1.PullRequest;
import dev.shoal.proto.control.v1.RemoveContainerRequest;
import dev.shoal.proto.control.v1.RemoveContainerResponse;
import dev.shoal.proto.control.v1.RunRequest;
import dev.shoal.proto.control.v1.RunResponse;
import dev.shoal.proto.control.v1.StatusRequest;
import dev.shoal.proto.control.v1.StatusResponse;
import dev.shoal.proto.control.v1.StopContainerRequest;
import dev.shoal.proto.control.v1.StoreStatus;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control API ({@code shoal.control.v1.Control}): status, the blob list, eviction and
 * pins, over the content store; preheat over the swarm; containers over the runtime ({@link
 * ContainerCalls}); pulls through the mirror ({@link PullCalls}). Store errors become gRPC statuses
 * here and nowhere else.
 */
public final class ControlService extends ControlGrpc.ControlImplBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlService.class);
  private static final String DEFAULT_PIN = "user";
  private static final java.time.Duration PREHEAT_TIMEOUT = java.time.Duration.ofMinutes(10);

  private final ContentStore store;
  private final URI mirrorUri;
  private final Instant started;
  private final Consumer<StatusResponse.Builder> more;
  private final Preheater preheater; // null without a swarm
  private final ContainerCalls containers; // null without a runtime
  private final PullCalls pulls; // null without a runtime

  public ControlService(ContentStore store, URI mirrorUri, Instant started) {
    this(store, mirrorUri, started, b -> {}, null, null);
  }

  public ControlService(
      ContentStore store,
      URI mirrorUri,
      Instant started,
      Consumer<StatusResponse.Builder> more,
      Preheater preheater) {
    this(store, mirrorUri, started, more, preheater, null);
  }

  /**
   * @param more adds what other components know to each status (the swarm, downloads)
   * @param preheater the swarm's preheat, or null without a swarm
   * @param containers the container runtime, or null when the agent runs no containers
   */
  public ControlService(
      ContentStore store,
      URI mirrorUri,
      Instant started,
      Consumer<StatusResponse.Builder> more,
      Preheater preheater,
      Containers containers) {
    this.preheater = preheater;
    this.containers = containers == null ? null : new ContainerCalls(containers);
    this.pulls = containers == null ? null : new PullCalls(containers.images());
    this.store = requireNonNull(store, "store");
    this.mirrorUri = requireNonNull(mirrorUri, "mirrorUri");
    this.started = requireNonNull(started, "started");
    this.more = requireNonNull(more, "more");
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    answer(
        out,
        () -> {
          StoreStats s = store.stats();
          StoreConfig c = store.config();
          StoreStatus.Builder st =
              StoreStatus.newBuilder()
                  .setCompleteBlobs(s.completeBlobs())
                  .setPartialBlobs(s.partialBlobs())
                  .setCompleteBytes(s.completeBytes())
                  .setPartialBytes(s.partialBytes())
                  .setMaxBytes(c.maxBytes())
                  .setHighWatermark(c.highWatermark())
                  .setLowWatermark(c.lowWatermark())
                  .setDiskTotalBytes(store.disk().totalBytes())
                  .setDiskUsableBytes(store.disk().usableBytes());
          StatusResponse.Builder b =
              StatusResponse.newBuilder()
                  .setVersion(ManifestVersion.version())
                  .setDataDir(c.dataDir().toString())
                  .setMirrorUrl(mirrorUri.toString())
                  .setStartedMillis(started.toEpochMilli())
                  .setStore(st);
          more.accept(b);
          if (containers != null) {
            containers.status(b);
          }
          return b.build();
        });
  }

  @Override
  public void listBlobs(ListBlobsRequest request, StreamObserver<ListBlobsResponse> out) {
    answer(
        out,
        () -> {
          ListBlobsResponse.Builder b = ListBlobsResponse.newBuilder();
          for (BlobInfo i : store.list()) {
            b.addBlobs(entry(i));
          }
          return b.build();
        });
  }

  @Override
  public void evict(EvictRequest request, StreamObserver<EvictResponse> out) {
    answer(
        out,
        () -> {
          if (request.getDigestsCount() == 0) {
            EvictionReport r = store.evict();
            log.info(
                "eviction on request evicted={} freedBytes={}", r.evicted().size(), r.freedBytes());
            return EvictResponse.newBuilder()
                .setReason(r.reason())
                .addAllEvicted(r.evicted().stream().map(Digest::toString).toList())
                .setFreedBytes(r.freedBytes())
                .setShortBytes(r.shortBytes())
                .build();
          }
          List<Digest> digests = new ArrayList<>();
          for (String d : request.getDigestsList()) {
            digests.add(Digest.parse(d));
          }
          EvictResponse.Builder b = EvictResponse.newBuilder().setReason("requested");
          for (Digest d : digests) {
            long size =
                store.info(d).map(BlobInfo::size).orElseThrow(() -> new BlobNotFoundException(d));
            if (store.delete(d)) {
              b.addEvicted(d.toString()).setFreedBytes(b.getFreedBytes() + size);
            }
          }
          log.info("blobs removed on request count={}", b.getEvictedCount());
          return b.build();
        });
  }

  @Override
  public void pin(PinRequest request, StreamObserver<PinResponse> out) {
    answer(
        out,
        () -> {
          store.pin(Digest.parse(request.getDigest()), pinName(request));
          return PinResponse.getDefaultInstance();
        });
  }

  @Override
  public void unpin(PinRequest request, StreamObserver<PinResponse> out) {
    answer(
        out,
        () -> {
          store.unpin(Digest.parse(request.getDigest()), pinName(request));
          return PinResponse.getDefaultInstance();
        });
  }

  private static String pinName(PinRequest r) {
    return r.getPin().isEmpty() ? DEFAULT_PIN : r.getPin();
  }

  static BlobEntry entry(BlobInfo i) {
    return BlobEntry.newBuilder()
        .setDigest(i.digest().toString())
        .setSize(i.size())
        .setMediaType(i.mediaType())
        .setComplete(i.complete())
        .setCreatedMillis(i.created().toEpochMilli())
        .setLastAccessMillis(i.lastAccess().toEpochMilli())
        .addAllPins(i.pins().stream().sorted().toList())
        .addAllHolders(i.holders().stream().sorted().toList())
        .setPieceCount(i.pieceCount())
        .setPiecesHeld(i.piecesHeld())
        .setQuarantine(i.quarantine().orElse(""))
        .build();
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  /** Runs a unary call, mapping the store's exceptions to statuses a CLI can explain. */
  @Override
  public void preheat(PreheatRequest request, StreamObserver<PreheatResponse> out) {
    if (preheater == null) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription("this agent has no peers: start it with --peers (or --peers-file)")
              .asException());
      return;
    }
    if (request.getCopies() < 1) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("copies must be >= 1").asException());
      return;
    }
    try {
      out.onNext(preheater.preheat(request.getImage(), request.getCopies(), PREHEAT_TIMEOUT));
      out.onCompleted();
    } catch (IllegalArgumentException e) {
      out.onError(fail(Status.INVALID_ARGUMENT, e));
    } catch (NotFoundException e) {
      out.onError(fail(Status.NOT_FOUND, e));
    } catch (IOException e) {
      out.onError(fail(Status.UNAVAILABLE, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.onError(fail(Status.CANCELLED, e));
    }
  }

  @Override
  public void run(RunRequest request, StreamObserver<RunResponse> out) {
    if (runtime(out)) {
      containers.run(request, out);
    }
  }

  @Override
  public void listContainers(
      ListContainersRequest request, StreamObserver<ListContainersResponse> out) {
    if (runtime(out)) {
      containers.list(request, out);
    }
  }

  @Override
  public void stopContainer(StopContainerRequest request, StreamObserver<ContainerEntry> out) {
    if (runtime(out)) {
      containers.stop(request, out);
    }
  }

  @Override
  public void removeContainer(
      RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> out) {
    if (runtime(out)) {
      containers.remove(request, out);
    }
  }

  @Override
  public void logs(LogsRequest request, StreamObserver<LogsResponse> out) {
    if (runtime(out)) {
      containers.logs(request, out);
    }
  }

  @Override
  public void pull(PullRequest request, StreamObserver<PullProgress> out) {
    if (pulls == null) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription("this agent pulls no images (it was started without a runtime)")
              .asException());
      return;
    }
    pulls.pull(request, out);
  }

  private boolean runtime(StreamObserver<?> out) {
    if (containers == null) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription("this agent runs no containers (it was started without a runtime)")
              .asException());
      return false;
    }
    return true;
  }

  /** Ends the log streams and pulls in flight. */
  @Override
  public void close() {
    if (containers != null) {
      containers.close();
      pulls.close();
    }
  }

  private static <T> void answer(StreamObserver<T> out, Call<T> call) {
    T response;
    try {
      response = call.run();
    } catch (InvalidDigestException e) {
      out.onError(fail(Status.INVALID_ARGUMENT, e));
      return;
    } catch (BlobNotFoundException e) {
      out.onError(fail(Status.NOT_FOUND, e));
      return;
    } catch (BlobInUseException e) {
      out.onError(fail(Status.FAILED_PRECONDITION, e));
      return;
    } catch (IOException | RuntimeException e) {
      log.warn("control call failed", e);
      out.onError(fail(Status.INTERNAL, e));
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  private static StatusException fail(Status status, Exception e) {
    return status.withDescription(e.getMessage()).asException();
  }
}
