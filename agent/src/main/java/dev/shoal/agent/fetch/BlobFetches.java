package dev.shoal.agent.fetch;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.PartialBlob;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downloads in flight, at most one per digest: every request for a blob that is being fetched
 * joins that fetch instead of starting another, so a burst of pulls of one cold image costs one
 * upstream download per layer.
 */
public final class BlobFetches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BlobFetches.class);

  private final ContentStore store;
  private final ConcurrentHashMap<Digest, BlobFetch> running = new ConcurrentHashMap<>();
  // Fetches being set up (their source chosen): later requests for the digest wait for them.
  private final ConcurrentHashMap<Digest, CompletableFuture<BlobFetch>> starting =
      new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final LongAdder bytesFromUpstream = new LongAdder();
  private final LongAdder bytesFromPeers = new LongAdder();
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
    CompletableFuture<BlobFetch> mine = new CompletableFuture<>();
    CompletableFuture<BlobFetch> theirs = starting.putIfAbsent(digest, mine);
    if (theirs != null) {
      return await(theirs);
    }
    try {
      live = running.get(digest);
      if (live != null) {
        mine.complete(live);
        return live;
      }
      // Choosing a source may ask other agents: done outside any lock shared by other digests.
      BlobSource from = source.get();
      BlobFetch started;
      synchronized (running) {
        started = start(digest, size, mediaType, from);
      }
      mine.complete(started);
      return started;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      starting.remove(digest, mine);
    }
  }

  private static BlobFetch await(CompletableFuture<BlobFetch> starting) throws IOException {
    try {
      return starting.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  // Called holding `running`'s lock.
  private BlobFetch start(Digest digest, long size, String mediaType, BlobSource from)
      throws IOException {
    PartialBlob partial =
        store.partial(digest, size, PieceSizes.forSize(size), List.of(), mediaType);
    BlobFetch fetch = new BlobFetch(digest, partial);
    running.put(digest, fetch);
    fetchesStarted.increment();
    fetch
        .result()
        .whenComplete(
            (info, error) -> {
              running.remove(digest, fetch);
              if (error instanceof DigestMismatchException && from.failover()) {
                // Wrong bytes from a peer: the same digest again from the next source, for the
                // requests that come back (this fetch's own readers were cut off).
                restart(digest, size, mediaType, from);
              }
            });
    threads.execute(() -> fetch.run(from, this::fetched));
    return fetch;
  }

  private void restart(Digest digest, long size, String mediaType, BlobSource from) {
    synchronized (running) {
      if (running.containsKey(digest)) {
        return;
      }
      try {
        if (!store.contains(digest)) {
          start(digest, size, mediaType, from);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("cannot restart fetch digest={} error={}", digest, e.toString());
      }
    }
  }

  /** Downloads in flight now. */
  public int inFlight() {
    return running.size();
  }

  private void fetched(String kind, long bytes) {
    (kind.equals("peer") ? bytesFromPeers : bytesFromUpstream).add(bytes);
  }

  /** Bytes downloaded from upstream registries since start. */
  public long bytesFromUpstream() {
    return bytesFromUpstream.sum();
  }

  /** Bytes downloaded from other agents since start. */
  public long bytesFromPeers() {
    return bytesFromPeers.sum();
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
