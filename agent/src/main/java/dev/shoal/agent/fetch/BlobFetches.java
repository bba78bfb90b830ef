package dev.shoal.agent.fetch;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.BlobState;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.PartialBlob;
import java.io.IOException;
import java.util.List;
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
   *
   * @throws InsufficientSpaceException when the missing bytes do not fit on the disk, even after an
   *     eviction run: refused before any byte is fetched
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
      int pieceSize = PieceSizes.forSize(size);
      ensureRoom(digest, size, pieceSize);
      PartialBlob partial = store.partial(digest, size, pieceSize, List.of(), mediaType);
      BlobFetch fetch = new BlobFetch(digest, partial, store);
      BlobSource from = source.get();
      running.put(digest, fetch);
      fetchesStarted.increment();
      fetch.result().whenComplete((info, error) -> running.remove(digest, fetch));
      threads.execute(() -> fetch.run(from, bytesFetched::add));
      return fetch;
    }
  }

  /**
   * Refuses a download the disk cannot hold before any byte of it is sent, so that the client gets
   * a clear answer rather than a body that breaks off when the disk fills. Pieces already held from
   * an earlier attempt count as written. Tries one eviction run first (holding the lock on new
   * fetches: this happens only on a nearly full disk).
   */
  private void ensureRoom(Digest digest, long size, int pieceSize) throws IOException {
    Optional<BlobInfo> known = store.info(digest);
    if (known.isPresent() && known.get().complete()) {
      return; // completed meanwhile: store.partial refuses it, and the caller serves it
    }
    long pieces = (size - 1) / pieceSize + 1;
    long held =
        known
            .filter(i -> i.state() == BlobState.PARTIAL && i.size() == size)
            .filter(i -> i.pieceCount() == pieces)
            .map(i -> Math.min(size, (long) i.piecesHeld() * pieceSize))
            .orElse(0L);
    long needed = size - held;
    if (needed <= store.disk().usableBytes()) {
      return;
    }
    store.evict();
    long free = store.disk().usableBytes();
    if (needed > free) {
      throw new InsufficientSpaceException(digest, needed, free);
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
