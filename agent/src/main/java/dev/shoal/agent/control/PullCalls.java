package dev.shoal.agent.control;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.runtime.BlobProgress;
import dev.shoal.agent.runtime.ImageFill;
import dev.shoal.proto.control.v1.PullProgress;
import dev.shoal.proto.control.v1.PullRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API's {@code Pull}: an {@link ImageFill} reported as a stream. Resolving and reading
 * run on a pool of their own; one ticker thread sends every message, only while the client is ready
 * (a progress message skipped is replaced by the next one), so that a slow terminal never holds up
 * the pull.
 */
final class PullCalls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PullCalls.class);
  static final Duration TICK = Duration.ofMillis(200);

  private final ImageFill images;
  private final ExecutorService work;
  private final ScheduledExecutorService ticker;

  PullCalls(ImageFill images) {
    this.images = requireNonNull(images, "images");
    AtomicInteger n = new AtomicInteger();
    this.work =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "shoal-pull-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shoal-pull-progress");
              t.setDaemon(true);
              return t;
            });
  }

  void pull(PullRequest request, StreamObserver<PullProgress> out) {
    ServerCallStreamObserver<PullProgress> call = (ServerCallStreamObserver<PullProgress>) out;
    if (request.getImage().isBlank()) {
      call.onError(
          Status.INVALID_ARGUMENT
              .withDescription("image: empty (expected: a reference)")
              .asException());
      return;
    }
    Stream stream = new Stream(request, call);
    call.setOnCancelHandler(stream::cancel);
    work.execute(stream::start);
  }

  /** One call: the fill once resolved, and the ticks that report it. Ticks run on one thread. */
  private final class Stream {
    private final PullRequest request;
    private final ServerCallStreamObserver<PullProgress> call;
    private final long start = System.nanoTime();
    private volatile ImageFill.Fill fill;
    private volatile ScheduledFuture<?> ticks;
    // Set by the ticker once the call ended, so that a late tick sends nothing more.
    private boolean ended;

    Stream(PullRequest request, ServerCallStreamObserver<PullProgress> call) {
      this.request = request;
      this.call = call;
    }

    void start() {
      ImageFill.Fill f;
      try {
        f = images.start(request.getImage(), work);
      } catch (IOException | RuntimeException e) {
        if (e instanceof RuntimeException) {
          log.warn("pull failed image={}", request.getImage(), e);
        }
        ticker.execute(() -> end(e));
        return;
      }
      fill = f;
      if (call.isCancelled()) {
        f.cancel();
        return;
      }
      log.info("pull image={} manifest={}", request.getImage(), f.manifestDigest());
      ticks = ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    void cancel() {
      ImageFill.Fill f = fill;
      if (f != null) {
        f.cancel();
      }
      ScheduledFuture<?> t = ticks;
      if (t != null) {
        t.cancel(false);
      }
    }

    /** The progress now, or the last message and the end of the call. */
    private void tick() {
      try {
        report();
      } catch (RuntimeException e) {
        // A scheduled task that throws is never run again: end the call rather than leave it
        // hanging.
        log.warn("pull progress failed image={}", request.getImage(), e);
        end(e);
      }
    }

    private void report() {
      ImageFill.Fill f = fill;
      if (ended || call.isCancelled()) {
        cancel();
        return;
      }
      if (!call.isReady()) {
        return; // this tick's progress is dropped; the next one is newer anyway
      }
      boolean done = f.result().isDone();
      if (done && f.result().isCompletedExceptionally()) {
        end(cause(f));
        return;
      }
      call.onNext(progress(f, done));
      if (done) {
        ended = true;
        call.onCompleted();
        cancel();
      }
    }

    private void end(Throwable e) {
      if (ended) {
        return;
      }
      ended = true;
      cancel();
      if (call.isCancelled()) {
        return;
      }
      if (e instanceof IOException io) {
        call.onError(ContainerCalls.status(io));
      } else {
        call.onError(
            Status.INTERNAL
                .withDescription(e.getMessage() == null ? e.toString() : e.getMessage())
                .asException());
      }
    }

    private PullProgress progress(ImageFill.Fill f, boolean done) {
      PullProgress.Builder p =
          PullProgress.newBuilder()
              .setImage(request.getImage())
              .setManifestDigest(f.manifestDigest().toString())
              .setElapsedMillis((System.nanoTime() - start) / 1_000_000)
              .setDone(done);
      for (BlobProgress b : f.progress()) {
        p.addBlobs(
            dev.shoal.proto.control.v1.BlobProgress.newBuilder()
                .setDigest(b.descriptor().digest().toString())
                .setMediaType(b.descriptor().mediaType())
                .setSize(b.descriptor().size())
                .setBytesDone(b.bytesDone())
                .putAllBytesBySource(b.bySource())
                .setDone(b.done()));
        p.setTotalBytes(p.getTotalBytes() + b.descriptor().size());
        b.bySource()
            .forEach(
                (source, bytes) -> {
                  if (source.equals(ImageFill.LOCAL)) {
                    p.setLocalBytes(p.getLocalBytes() + bytes);
                  } else if (source.startsWith("peer ")) {
                    p.setPeerBytes(p.getPeerBytes() + bytes);
                  } else {
                    p.setUpstreamBytes(p.getUpstreamBytes() + bytes);
                  }
                });
      }
      return p.build();
    }
  }

  private static Throwable cause(ImageFill.Fill f) {
    try {
      f.result().join();
      return new IllegalStateException("the pull did not fail");
    } catch (CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
  }

  /** Ends the pulls in flight: their clients see the agent stopping. */
  @Override
  public void close() {
    ticker.shutdownNow();
    work.shutdownNow();
  }
}
