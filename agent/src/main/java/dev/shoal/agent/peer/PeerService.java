package dev.shoal.agent.peer;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.fetch.PieceHashing;
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
import dev.shoal.proto.peer.v1.AnnounceRequest;
import dev.shoal.proto.peer.v1.AnnounceResponse;
import dev.shoal.proto.peer.v1.FetchRequest;
import dev.shoal.proto.peer.v1.FetchResponse;
import dev.shoal.proto.peer.v1.HaveRequest;
import dev.shoal.proto.peer.v1.HaveResponse;
import dev.shoal.proto.peer.v1.HoldersRequest;
import dev.shoal.proto.peer.v1.HoldersResponse;
import dev.shoal.proto.peer.v1.PeerGrpc;
import dev.shoal.proto.peer.v1.PieceData;
import dev.shoal.proto.peer.v1.PieceHashesRequest;
import dev.shoal.proto.peer.v1.PieceHashesResponse;
import dev.shoal.proto.peer.v1.ReadPiecesRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Bytes per message: small enough that the streams of many readers (and health checks) take turns
   * on a full link rather than queueing a whole piece each.
   */
  static final int CHUNK = 512 << 10;

  /**
   * Piece requests (ReadPieces with a count) served at once; more are refused as busy, and the
   * reader asks another holder. Few fast transfers spread pieces sooner than many slow ones.
   */
  static final int UPLOAD_SLOTS = Integer.getInteger("shoal.uploadSlots", 6);

  /** Requests are small (a digest, a header); this bounds what a peer can make us parse. */
  public static final int MAX_REQUEST = 64 << 10;

  private static final Duration PUBLISH_WAIT = Duration.ofSeconds(10);

  /**
   * gRPC logs a stack trace for every stream a reader cancels while pieces are queued for it; a
   * downloader cancels the slower copy of each last piece it asked two peers for, so that is normal
   * here. Held strongly: java.util.logging keeps loggers weakly.
   */
  private static final java.util.logging.Logger STREAM_ERRORS =
      java.util.logging.Logger.getLogger("io.grpc.netty.NettyServerHandler");

  static {
    STREAM_ERRORS.setLevel(java.util.logging.Level.SEVERE);
  }

  private final ContentStore store;
  private final BlobFetches fetches;
  private final Upstreams upstreams;
  private final Duration stall;
  private final String zone;
  private final String region;
  private volatile boolean corrupt;
  private final RateLimit uploads;
  private final HolderRegistry holders;
  private final java.util.concurrent.Semaphore slots =
      new java.util.concurrent.Semaphore(UPLOAD_SLOTS);
  // Where this agent's own downloads come from; set once the swarm is wired.
  private volatile SourcePlanner planner;
  private volatile UpstreamShare share; // null: this agent fetches every blob it is asked to
  private final FirstCopies firstCopies = new FirstCopies();
  private final java.util.concurrent.atomic.LongAdder relayed =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder busyRefusals =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder haveAsked =
      new java.util.concurrent.atomic.LongAdder();
  // Piece tables of complete blobs, made once from the file when first asked for.
  private final Cache<Digest, List<ByteString>> tables =
      Caffeine.newBuilder()
          .maximumWeight(1 << 20)
          .<Digest, List<ByteString>>weigher((d, t) -> t.size())
          .build();

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
      RateLimit uploads,
      Clock clock) {
    this.holders = new HolderRegistry(clock);
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

  /** How many {@code Have} calls this agent answered: what other agents' planning costs it. */
  /** Piece requests refused because every upload slot was in use. */
  public long busyRefusals() {
    return busyRefusals.sum();
  }

  /**
   * Test hook: takes every upload slot ({@code true}) or gives them back, as if this agent were
   * busy uploading to others.
   */
  void occupyUploadSlots(boolean busy) {
    if (busy) {
      slots.acquireUninterruptibly(UPLOAD_SLOTS);
    } else {
      slots.release(UPLOAD_SLOTS);
    }
  }

  /** Piece requests sent on to the peer that got the piece first (see {@link FirstCopies}). */
  public long relayed() {
    return relayed.sum();
  }

  public long haveAsked() {
    return haveAsked.sum();
  }

  @Override
  public void have(HaveRequest request, StreamObserver<HaveResponse> response) {
    haveAsked.increment();
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
      BlobFetch f = fetch.get();
      return HaveResponse.newBuilder()
          .setHeld(true)
          .setDownloading(true)
          .setSize(f.size())
          .setPieceSize(f.pieceSize())
          .setAvailable(f.sendable())
          .setPieces(ByteString.copyFrom(f.writtenPieces().toByteArray()))
          .setFetching(f.inOrder())
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
      UpstreamShare s = share;
      if (s != null) {
        if (request.getMayDefer() && s.defer(digest)) {
          throw Status.RESOURCE_EXHAUSTED
              .withDescription("reading another blob from the upstream: ask the next member")
              .asException();
        }
        s.reading(digest);
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
      SourcePlanner p = planner;
      BlobFetch fetch =
          fetches.join(
              digest,
              request.getSize(),
              "application/octet-stream",
              () ->
                  p == null
                      ? new UpstreamBlobSource(upstream, request.getRepository(), digest, auth)
                      : p.planAsReader(
                          upstream, request.getRepository(), digest, request.getSize(), auth));
      response.onNext(FetchResponse.newBuilder().setAvailable(fetch.sendable()).build());
      response.onCompleted();
    } catch (StatusException e) {
      response.onError(e);
    } catch (IOException | RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).asException());
    }
  }

  /** Piece uploads in progress: what every answer tells the asker (see {@link UploadLoad}). */
  public int uploading() {
    return UPLOAD_SLOTS - slots.availablePermits();
  }

  /** This service with every answer telling the asker {@link #uploading()}: what to serve. */
  public io.grpc.BindableService reportingLoad() {
    return () -> io.grpc.ServerInterceptors.intercept(this, UploadLoad.reporter(this::uploading));
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
    boolean slotted = request.getCount() > 0;
    if (slotted && !slots.tryAcquire()) {
      busyRefusals.increment();
      call.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription("busy: " + UPLOAD_SLOTS + " uploads running")
              .asException());
      return;
    }
    Runnable unsubscribe = () -> {};
    try {
      Digest digest = digest(request.getDigest());
      Reader reader = open(digest);
      if (slotted && reader.fetch != null && reader.fetch.inOrder()) {
        Optional<String> relay =
            firstCopies.relayFor(reader.fetch, request.getFirstPiece(), request.getReader());
        if (relay.isPresent()) {
          reader.file.close();
          relayed.increment();
          Metadata trailers = new Metadata();
          trailers.put(FirstCopies.RELAY, relay.get());
          throw Status.ALREADY_EXISTS
              .withDescription("piece " + request.getFirstPiece() + " went to " + relay.get())
              .asException(trailers);
        }
      }
      unsubscribe = reader.fetch == null ? unsubscribe : reader.fetch.subscribe(wake);
      try (FileChannel file = reader.file) {
        int pieceSize = PieceSizes.forSize(reader.size);
        long pos = (long) request.getFirstPiece() * pieceSize;
        long end =
            request.getCount() == 0
                ? reader.size
                : Math.min(reader.size, pos + (long) request.getCount() * pieceSize);
        if (pos > reader.size || (request.getCount() > 0 && pos >= reader.size)) {
          throw Status.OUT_OF_RANGE
              .withDescription("no piece " + request.getFirstPiece())
              .asException();
        }
        send(call, signal, reader, file, pos, end, slotted);
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
      if (slotted) {
        slots.release();
      }
    }
  }

  private void send(
      ServerCallStreamObserver<PieceData> call,
      Object signal,
      Reader reader,
      FileChannel file,
      long pos,
      long end,
      boolean byPiece)
      throws IOException, StatusException, InterruptedException {
    long lastProgress = System.nanoTime();
    // One buffer for the whole call: gRPC copies a message into its transport buffers within
    // onNext, so the buffer is free again when onNext returns.
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, end - pos));
    while (pos < end) {
      if (call.isCancelled()) {
        throw Status.CANCELLED.asException();
      }
      if (reader.fetch != null && reader.fetch.result().isCompletedExceptionally()) {
        throw Status.ABORTED.withDescription("this agent's download failed").asException();
      }
      long available = Math.min(end, sendable(reader, pos, byPiece));
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
      buf.clear().limit(n);
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

  /**
   * The end of the bytes from {@code pos} on that may be sent now: a reader of whole pieces (who
   * checks each against the piece table) gets any written piece, a reader of the blob in order only
   * what {@link BlobFetch#sendable()} allows.
   */
  private static long sendable(Reader reader, long pos, boolean byPiece) {
    BlobFetch fetch = reader.fetch;
    if (fetch == null) {
      return reader.size;
    }
    if (!byPiece) {
      return fetch.sendable();
    }
    int piece = (int) (pos / fetch.pieceSize());
    if (!fetch.written(piece)) {
      return pos;
    }
    return Math.min(reader.size, (long) (piece + 1) * fetch.pieceSize());
  }

  @Override
  public void pieceHashes(PieceHashesRequest request, StreamObserver<PieceHashesResponse> out) {
    try {
      Digest digest = digest(request.getDigest());
      out.onNext(pieceHashes(digest));
      out.onCompleted();
    } catch (StatusException e) {
      out.onError(e);
    } catch (IOException | RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(e.toString()).asException());
    }
  }

  private PieceHashesResponse pieceHashes(Digest digest) throws IOException, StatusException {
    Optional<BlobFetch> fetch = fetches.running(digest);
    if (fetch.isPresent()) {
      BlobFetch f = fetch.get();
      try {
        PieceHashesResponse.Builder b =
            PieceHashesResponse.newBuilder().setSize(f.size()).setPieceSize(f.pieceSize());
        for (byte[] hash : f.pieceHashes()) {
          b.addHashes(hash == null ? ByteString.EMPTY : ByteString.copyFrom(hash));
        }
        return b.build();
      } catch (java.nio.file.NoSuchFileException moved) {
        // Completed meanwhile: the store records it complete just after; its table comes from
        // there.
        f.awaitEnd(PUBLISH_WAIT);
      }
    }
    Optional<BlobInfo> info = store.info(digest);
    if (info.isEmpty() || !info.get().complete() || info.get().quarantine().isPresent()) {
      throw Status.NOT_FOUND.withDescription("not held: " + digest).asException();
    }
    long size = info.get().size();
    int pieceSize = PieceSizes.forSize(size);
    List<ByteString> table = tables.getIfPresent(digest);
    if (table == null) {
      table = tableOf(digest, size, pieceSize);
      tables.put(digest, table);
    }
    return PieceHashesResponse.newBuilder()
        .setSize(size)
        .setPieceSize(pieceSize)
        .addAllHashes(table)
        .build();
  }

  /** Hashes a complete blob's pieces from its file. */
  private List<ByteString> tableOf(Digest digest, long size, int pieceSize) throws IOException {
    List<ByteString> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.allocate(pieceSize);
    try (BlobRange range = store.openRange(digest, 0, -1)) {
      FileChannel ch = range.channel();
      for (long pos = 0; pos < size; pos += pieceSize) {
        b.clear().limit((int) Math.min(pieceSize, size - pos));
        while (b.hasRemaining()) {
          if (ch.read(b, pos + b.position()) < 0) {
            throw new IOException("blob " + digest + " is shorter than " + size + " bytes");
          }
        }
        b.flip();
        out.add(ByteString.copyFrom(PieceHashing.sha256(b)));
      }
    }
    return out;
  }

  @Override
  public void announce(AnnounceRequest request, StreamObserver<AnnounceResponse> out) {
    try {
      Digest digest = digest(request.getDigest());
      if (request.getAddress().isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("address is empty").asException();
      }
      holders.announce(digest, request);
      out.onNext(AnnounceResponse.getDefaultInstance());
      out.onCompleted();
    } catch (StatusException e) {
      out.onError(e);
    }
  }

  @Override
  public void holders(HoldersRequest request, StreamObserver<HoldersResponse> out) {
    try {
      Digest digest = digest(request.getDigest());
      out.onNext(HoldersResponse.newBuilder().addAllHolders(holders.holders(digest)).build());
      out.onCompleted();
    } catch (StatusException e) {
      out.onError(e);
    }
  }

  /**
   * Lets a {@code Fetch} (a preheat asking this agent for a further copy) read from the peers that
   * hold or are fetching the blob, rather than from the upstream: only the first home of a blob
   * downloads it from there.
   */
  void usePlanner(SourcePlanner planner) {
    this.planner = planner;
  }

  /** Lets this agent, as a blob's first home, leave the blob to the next (see UpstreamShare). */
  void shareUpstream(UpstreamShare share) {
    this.share = share;
  }

  /** What this agent heard, as a home peer, about who holds which pieces. */
  HolderRegistry holderRegistry() {
    return holders;
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
