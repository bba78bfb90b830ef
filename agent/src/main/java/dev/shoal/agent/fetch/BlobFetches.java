package dev.shoal.agent.fetch;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.PartialBlob;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The downloads in flight, at most one per digest: every request for a blob that is being fetched
 * joins that fetch instead of starting another, so a burst of pulls of one cold image costs one
 * upstream download per layer.
 */
public final class BlobFetches implements AutoCloseable {
  private final ContentStore store;
  private final ConcurrentHashMap<Digest, BlobFetch> running = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final LongAdder bytesFetched = new LongAdder();
  private final LongAdder fetchesStarted = new LongAdder();

  public BlobFetches(ContentStore store) {
    this.store = requireNonNull(store, "store");
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "shoal-fetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The fetch of {@code digest} in flight, if any. */
  public Optional<BlobFetch> running(Digest digest) {
    return Optional.ofNullable(running.get(digest));
  }

  /**
   * Joins the fetch of {@code digest} in flight, or starts one reading from {@code source} (asked
   * for only when a fetch starts). The blob must not be complete in the store already.
   */
  public BlobFetch join(Digest digest, long size, String mediaType, Supplier<BlobSource> source)
      throws IOException {
    requireNonNull(digest, "digest");
    requireNonNull(source, "source");
    if (size <= 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: > 0)");
    }
    BlobFetch live = running.get(digest);
    if (live != null) {
      return live;
    }
    synchronized (running) {
      live = running.get(digest);
      if (live != null) {
        return live;
      }
      PartialBlob partial =
          store.partial(digest, size, PieceSizes.forSize(size), java.util.List.of(), mediaType);
      BlobFetch fetch = new BlobFetch(digest, partial);
      BlobSource from = source.get();
      running.put(digest, fetch);
      fetchesStarted.increment();
      fetch.result().whenComplete((info, error) -> running.remove(digest, fetch));
      threads.execute(() -> fetch.run(from, bytesFetched::add));
      return fetch;
    }
  }

  /** Downloads in flight now. */
  public int inFlight() {
    return running.size();
  }

  /** Bytes read from sources since start. */
  public long bytesFetched() {
    return bytesFetched.sum();
  }

  /** Downloads started since start. */
  public long fetchesStarted() {
    return fetchesStarted.sum();
  }

  /** Stops the fetch threads; downloads in flight fail and resume at the next start. */
  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
