package dev.shoal.agent.peer;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.fetch.PieceSizes;
import dev.shoal.agent.limit.RateLimit;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.UpstreamBlobSource;
import dev.shoal.agent.upstream.Upstreams;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.BlobNotFoundException;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import dev.shoal.proto.peer.v1.FetchRequest;
import dev.shoal.proto.peer.v1.FetchResponse;
import dev.shoal.proto.peer.v1.HaveRequest;
import dev.shoal.proto.peer.v1.HaveResponse;
import dev.shoal.proto.peer.v1.PeerGrpc;
import dev.shoal.proto.peer.v1.PieceData;
import dev.shoal.proto.peer.v1.ReadPiecesRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the peer protocol ({@code shoal.peer.v1}): tells others what it holds, sends
 * blobs it holds (complete, or still downloading: then as they arrive), and as a home peer
 * downloads a blob from the upstream for the fleet.
 */
public final class PeerService extends PeerGrpc.PeerImplBase {
  private static final Logger log = LoggerFactory.getLogger(PeerService.class);
  static final int CHUNK = 1 << 20;

  /** Requests are small (a digest, a header); this bounds what a peer can make us parse. */
  public static final int MAX_REQUEST = 64 << 10;

  private static final Duration PUBLISH_WAIT = Duration.ofSeconds(10);

  private final ContentStore store;
  private final BlobFetches fetches;
  private final Upstreams upstreams;
  private final Duration stall;
  private final String zone;
  private final String region;
  private volatile boolean corrupt;
  private final RateLimit uploads;

  /**
   * @param stall how long a reader waits for bytes of a download that makes no progress before the
   *     stream fails, so that the reader turns to another source
   */
  public PeerService(
      ContentStore store,
      BlobFetches fetches,
      Upstreams upstreams,
      Duration stall,
      String zone,
      String region,
      RateLimit uploads) {
    this.uploads = requireNonNull(uploads, "uploads");
    this.zone = requireNonNull(zone, "zone");
    this.region = requireNonNull(region, "region");
    this.store = requireNonNull(store, "store");
    this.fetches = requireNonNull(fetches, "fetches");
    this.upstreams = requireNonNull(upstreams, "upstreams");
    this.stall = requireNonNull(stall, "stall");
  }

  /**
   * Test-only switch: from now on one byte of every chunk this agent sends to peers is flipped, as
   * a broken or hostile peer would. Its own store stays right.
   */
  public void corruptWhatItSends(boolean on) {
    corrupt = on;
  }

  @Override
  public void have(HaveRequest request, StreamObserver<HaveResponse> response) {
    try {
      Digest digest = digest(request.getDigest());
      response.onNext(have(digest));
      response.onCompleted();
    } catch (StatusException e) {
      response.onError(e);
    } catch (IOException e) {
      response.onError(Status.INTERNAL.withDescription(e.getMessage()).asException());
    }
  }

  private HaveResponse have(Digest digest) throws IOException {
    Optional<BlobInfo> info = store.info(digest);
    if (info.isPresent() && info.get().complete() && info.get().quarantine().isEmpty()) {
      long size = info.get().size();
      return HaveResponse.newBuilder()
          .setHeld(true)
          .setComplete(true)
          .setSize(size)
          .setPieceSize(PieceSizes.forSize(size))
          .setAvailable(size)
          .setZone(zone)
          .setRegion(region)
          .build();
    }
    Optional<BlobFetch> fetch = fetches.running(digest);
    if (fetch.isPresent()) {
      return HaveResponse.newBuilder()
          .setHeld(true)
          .setDownloading(true)
          .setSize(fetch.get().size())
          .setPieceSize(PieceSizes.forSize(fetch.get().size()))
          .setAvailable(fetch.get().sendable())
          .setZone(zone)
          .setRegion(region)
          .build();
    }
    return HaveResponse.getDefaultInstance();
  }

  @Override
  public void fetch(FetchRequest request, StreamObserver<FetchResponse> response) {
    try {
      Digest digest = digest(request.getDigest());
      if (request.getSize() <= 0) {
        throw Status.INVALID_ARGUMENT.withDescription("size must be > 0").asException();
      }
      if (store.contains(digest)) {
        response.onNext(FetchResponse.newBuilder().setAvailable(request.getSize()).build());
        response.onCompleted();
        return;
      }
      Upstream upstream =
          upstreams
              .resolve(request.getUpstream())
              .orElseThrow(
                  () ->
                      Status.FAILED_PRECONDITION
                          .withDescription("no upstream " + request.getUpstream() + " here")
                          .asException());
      String auth = request.getAuthorization().isEmpty() ? null : request.getAuthorization();
      BlobFetch fetch =
          fetches.join(
              digest,
              request.getSize(),
              "application/octet-stream",
              () -> new UpstreamBlobSource(upstream, request.getRepository(), digest, auth));
      response.onNext(FetchResponse.newBuilder().setAvailable(fetch.sendable()).build());
      response.onCompleted();
    } catch (StatusException e) {
      response.onError(e);
    } catch (IOException | RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).asException());
    }
  }

  @Override
  public void readPieces(ReadPiecesRequest request, StreamObserver<PieceData> response) {
    ServerCallStreamObserver<PieceData> call = (ServerCallStreamObserver<PieceData>) response;
    Object signal = new Object();
    Runnable wake =
        () -> {
          synchronized (signal) {
            signal.notifyAll();
          }
        };
    call.setOnReadyHandler(wake);
    call.setOnCancelHandler(wake);
    Runnable unsubscribe = () -> {};
    try {
      Digest digest = digest(request.getDigest());
      Reader reader = open(digest);
      unsubscribe = reader.fetch == null ? unsubscribe : reader.fetch.subscribe(wake);
      try (FileChannel file = reader.file) {
        long pos = (long) request.getFirstPiece() * PieceSizes.forSize(reader.size);
        if (pos > reader.size) {
          throw Status.OUT_OF_RANGE
              .withDescription("no piece " + request.getFirstPiece())
              .asException();
        }
        send(call, signal, reader, file, pos);
      }
      call.onCompleted();
    } catch (StatusException e) {
      call.onError(e);
    } catch (IOException e) {
      call.onError(Status.INTERNAL.withDescription(e.toString()).asException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.onError(Status.CANCELLED.asException());
    } finally {
      unsubscribe.run();
    }
  }

  private void send(
      ServerCallStreamObserver<PieceData> call,
      Object signal,
      Reader reader,
      FileChannel file,
      long pos)
      throws IOException, StatusException, InterruptedException {
    long lastProgress = System.nanoTime();
    while (pos < reader.size) {
      if (call.isCancelled()) {
        throw Status.CANCELLED.asException();
      }
      if (reader.fetch != null && reader.fetch.result().isCompletedExceptionally()) {
        throw Status.ABORTED.withDescription("this agent's download failed").asException();
      }
      long available = reader.fetch == null ? reader.size : reader.fetch.sendable();
      if (!call.isReady() || available <= pos) {
        if (System.nanoTime() - lastProgress > stall.toNanos()) {
          throw Status.UNAVAILABLE
              .withDescription("no progress for " + stall.toMillis() + " ms")
              .asException();
        }
        synchronized (signal) {
          signal.wait(50);
        }
        continue;
      }
      int n = (int) Math.min(CHUNK, available - pos);
      ByteBuffer buf = ByteBuffer.allocate(n);
      while (buf.hasRemaining()) {
        if (file.read(buf, pos + buf.position()) < 0) {
          throw new IOException("file of " + reader.size + " bytes ended early");
        }
      }
      buf.flip();
      uploads.acquire(n);
      if (corrupt) {
        buf.put(n / 2, (byte) (buf.get(n / 2) ^ 0x5a));
      }
      call.onNext(
          PieceData.newBuilder()
              .setOffset(pos)
              .setData(UnsafeByteOperations.unsafeWrap(buf))
              .build());
      pos += n;
      lastProgress = System.nanoTime();
    }
  }

  /** What a read sends from: the complete blob, or the download in flight. */
  private record Reader(FileChannel file, long size, BlobFetch fetch) {}

  private Reader open(Digest digest) throws IOException, StatusException {
    try {
      BlobRange range = store.openRange(digest, 0, -1);
      return new Reader(range.channel(), range.count(), null);
    } catch (BlobNotFoundException e) {
      Optional<BlobFetch> fetch = fetches.running(digest);
      if (fetch.isEmpty()) {
        throw Status.NOT_FOUND.withDescription("not held: " + digest).asException();
      }
      try {
        return new Reader(fetch.get().openReader(), fetch.get().size(), fetch.get());
      } catch (java.nio.file.NoSuchFileException gone) {
        // Moved into the store since the look; the store records it complete just after.
        log.debug("download finished while opening digest={}", digest);
        fetch.get().awaitEnd(PUBLISH_WAIT);
        try {
          BlobRange range = store.openRange(digest, 0, -1);
          return new Reader(range.channel(), range.count(), null);
        } catch (BlobNotFoundException failed) {
          throw Status.ABORTED.withDescription("this agent's download failed").asException();
        }
      }
    }
  }

  private static Digest digest(String text) throws StatusException {
    try {
      return Digest.parse(text);
    } catch (InvalidDigestException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    }
  }
}
