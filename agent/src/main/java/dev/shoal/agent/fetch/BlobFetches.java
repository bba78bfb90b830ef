package dev.shoal.agent.fetch;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.limit.RateLimit;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.BlobState;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.PartialBlob;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
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
  private final RateLimit downloads;
  private final ConcurrentHashMap<Digest, BlobFetch> running = new ConcurrentHashMap<>();
  // Fetches being set up (their source chosen): later requests for the digest wait for them.
  private final ConcurrentHashMap<Digest, CompletableFuture<BlobFetch>> starting =
      new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final LongAdder bytesFromUpstream = new LongAdder();
  private final LongAdder bytesFromPeers = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> bySource = new ConcurrentHashMap<>();
  private final LongAdder fetchesStarted = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> rejectedBySource = new ConcurrentHashMap<>();
  private final List<Consumer<BlobFetch>> startListeners = new CopyOnWriteArrayList<>();
  private volatile boolean splitUpstreamReads = Boolean.getBoolean("shoal.splitUpstreamReads");
  private final Provenance provenance =
      new Provenance() {
        @Override
        public void fetched(String source, long bytes) {
          BlobFetches.this.fetched(source, bytes);
        }

        @Override
        public void rejected(String source, long bytes) {
          rejectedBySource.computeIfAbsent(source, s -> new LongAdder()).add(bytes);
        }
      };

  public BlobFetches(ContentStore store) {
    this(store, RateLimit.unlimited());
  }

  /**
   * @param downloads the limit on the bytes all downloads read together
   */
  public BlobFetches(ContentStore store, RateLimit downloads) {
    this.store = requireNonNull(store, "store");
    this.downloads = requireNonNull(downloads, "downloads");
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "shoal-fetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Whether fetches started from now on read a large blob from an upstream that answers ranges over
   * two requests at once. Off unless {@code -Dshoal.splitUpstreamReads=true}: in the swarm
   * benchmark it ended the upstream reads sooner but not the rollout (bench/README.md).
   */
  public void splitUpstreamReads(boolean on) {
    splitUpstreamReads = on;
  }

  /** The fetch of {@code digest} in flight, if any. */
  public Optional<BlobFetch> running(Digest digest) {
    return Optional.ofNullable(running.get(digest));
  }

  /**
   * Calls {@code listener} with every fetch as it starts, before its first byte, so that a caller
   * watching some digests (a pull's progress) sees where each one's bytes come from, however short
   * the fetch. It runs holding the lock on new fetches: it must only take note. Returns what
   * removes it.
   */
  public Runnable onStart(Consumer<BlobFetch> listener) {
    requireNonNull(listener, "listener");
    startListeners.add(listener);
    return () -> startListeners.remove(listener);
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
    int pieceSize = PieceSizes.forSize(size);
    ensureRoom(digest, size, pieceSize);
    PartialBlob partial = store.partial(digest, size, pieceSize, List.of(), mediaType);
    BlobFetch fetch = new BlobFetch(digest, partial, store, downloads, splitUpstreamReads);
    running.put(digest, fetch);
    fetchesStarted.increment();
    for (Consumer<BlobFetch> l : startListeners) {
      l.accept(fetch);
    }
    fetch
        .result()
        .whenComplete(
            (info, error) -> {
              running.remove(digest, fetch);
              if (error instanceof DigestMismatchException) {
                from.distrust();
              }
              if (error instanceof DigestMismatchException && from.failover()) {
                // Wrong bytes from a peer: the same digest again from the next source, for the
                // requests that come back (this fetch's own readers were cut off).
                restart(digest, size, mediaType, from);
              }
            });
    threads.execute(() -> fetch.run(from, provenance));
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

  /** The downloads in flight now, for reports of their progress. */
  public List<BlobFetch> inFlightFetches() {
    return List.copyOf(running.values());
  }

  /**
   * Whether a download of a blob other than {@code digest} is in flight and reads in order: from
   * the upstream, that is (or about to: a download reads in order until it turns to peers).
   */
  public boolean anyInOrderOtherThan(Digest digest) {
    for (Map.Entry<Digest, BlobFetch> e : running.entrySet()) {
      if (!e.getKey().equals(digest) && e.getValue().inOrder()) {
        return true;
      }
    }
    return false;
  }

  /** Downloads in flight now. */
  public int inFlight() {
    return running.size();
  }

  private void fetched(String source, long bytes) {
    (source.startsWith("peer ") ? bytesFromPeers : bytesFromUpstream).add(bytes);
    bySource.computeIfAbsent(source, s -> new LongAdder()).add(bytes);
  }

  /**
   * Bytes downloaded since start by source, e.g. {@code peer 10.0.0.2:5052} or {@code upstream
   * registry.example.com}: where this agent's bytes came from.
   */
  public Map<String, Long> bytesBySource() {
    Map<String, Long> out = new TreeMap<>();
    bySource.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * Bytes thrown away since start because they failed the piece table, by the peer that sent them.
   */
  public Map<String, Long> bytesRejectedBySource() {
    Map<String, Long> out = new TreeMap<>();
    rejectedBySource.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Bytes thrown away since start because they failed the piece table, from all peers. */
  public long bytesRejected() {
    return rejectedBySource.values().stream().mapToLong(LongAdder::sum).sum();
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
    threads.shutdown();
    running.values().forEach(BlobFetch::stop);
    try {
      if (threads.awaitTermination(5, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
