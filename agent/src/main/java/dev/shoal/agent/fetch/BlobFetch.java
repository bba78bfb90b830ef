package dev.shoal.agent.fetch;

import dev.shoal.agent.limit.RateLimit;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.PartialBlob;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blob being downloaded into the store, piece by piece, while any number of readers send what
 * has arrived to their clients. Readers never get the last piece before the whole blob matched its
 * digest, nor the last byte of a range (see {@link #verified()}): a client can only ever see a
 * complete body that is the right one.
 *
 * <p>The fetch belongs to no reader: a client that goes away does not stop it, so the others
 * waiting on it (and the next pull) still get the blob. A fetch that fails leaves nothing complete
 * behind: the pieces of one whose source broke stay for the next pull to resume; those of one that
 * could not write (a full disk) are discarded, so that their space is free again.
 */
public final class BlobFetch {
  private static final Logger log = LoggerFactory.getLogger(BlobFetch.class);

  /**
   * Attempts to resume from the bytes held after a broken download, if that attempt made progress.
   */
  static final int MAX_ATTEMPTS = 3;

  private final Digest digest;
  private final long size;
  private final PartialBlob partial;
  private final ContentStore store;
  private final RateLimit downloads;
  private final CompletableFuture<BlobInfo> result = new CompletableFuture<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** The fewest pieces one of the requests of a split read gets. */
  static final int SPLIT_MIN_PIECES = 8;

  /** Bytes written between two flushes to disk. */
  static final long SYNC_BYTES = Long.getLong("shoal.syncBytes", 64L << 20);

  // Bytes from offset 0 written without a gap (in the page cache, perhaps not yet on disk).
  private volatile long contiguous;
  // Set once every byte arrived and hashed to the digest, before the file is flushed and published.
  private volatile boolean verified;
  // Set by stop(): the download ends at once, keeping what it has, with no retry.
  private volatile boolean stopped;
  private final boolean splitReads;
  // The source streams being read, closed by stop().
  private final List<InputStream> streams = new CopyOnWriteArrayList<>();
  // Pieces written (perhaps not yet claimed in the index): what peers may be sent. Guarded by this.
  private final BitSet written;
  // SHA-256 of written pieces, made when a peer first asks for the piece table.
  private final AtomicReferenceArray<byte[]> pieceHashes;
  // Whether the bytes come from one source in order (the upstream), rather than pieces from peers.
  private volatile boolean inOrder = true;
  // Bytes kept by source, for progress reports while the fetch runs (rejected ones not counted).
  private final Map<String, Long> bySource = new java.util.concurrent.ConcurrentSkipListMap<>();
  // Bytes of the pieces held from an earlier, broken download when this one started.
  private final long resumedBytes;

  BlobFetch(
      Digest digest,
      PartialBlob partial,
      ContentStore store,
      RateLimit downloads,
      boolean splitReads) {
    this.downloads = downloads;
    this.splitReads = splitReads;
    this.digest = digest;
    this.size = partial.size();
    this.partial = partial;
    this.store = store;
    this.written = new BitSet(partial.pieceCount());
    for (int i = 0; i < partial.pieceCount(); i++) {
      if (partial.has(i)) {
        written.set(i);
      }
    }
    this.pieceHashes = new AtomicReferenceArray<>(partial.pieceCount());
    this.contiguous = heldPrefix();
    this.resumedBytes = writtenBytes();
  }

  public int pieceSize() {
    return partial.pieceSize();
  }

  public int pieceCount() {
    return partial.pieceCount();
  }

  /** Whether piece {@code piece} is written, so that it may be sent to peers (who check it). */
  public synchronized boolean written(int piece) {
    return written.get(piece);
  }

  /** The pieces written so far (a copy). */
  public synchronized BitSet writtenPieces() {
    return (BitSet) written.clone();
  }

  /** Bytes of the pieces written so far, those held from an earlier download included. */
  public synchronized long writtenBytes() {
    int count = written.cardinality();
    if (count == 0) {
      return 0;
    }
    int last = partial.pieceCount() - 1;
    return written.get(last)
        ? (long) (count - 1) * partial.pieceSize() + partial.lengthOf(last)
        : (long) count * partial.pieceSize();
  }

  /** Bytes of the pieces already held, from an earlier download, when this fetch started. */
  public long resumedBytes() {
    return resumedBytes;
  }

  /**
   * The bytes this fetch kept so far by source ({@code peer HOST:PORT}, {@code upstream NAME}); a
   * piece that two peers both sent (the end of a swarm download) counts for each.
   */
  public Map<String, Long> bytesBySource() {
    return new java.util.TreeMap<>(bySource);
  }

  /** Whether this fetch reads the blob in order from one source (the upstream, or a fallback). */
  public boolean inOrder() {
    return inOrder;
  }

  /**
   * The piece table as far as it goes: the SHA-256 of every written piece, each read back from the
   * file once (one open of the file for all that are new), and null for a piece not written yet.
   */
  public List<byte[]> pieceHashes() throws IOException {
    List<byte[]> out = new ArrayList<>(partial.pieceCount());
    FileChannel ch = null;
    try {
      for (int piece = 0; piece < partial.pieceCount(); piece++) {
        byte[] known = pieceHashes.get(piece);
        if (known == null && written(piece)) {
          ch = ch != null ? ch : partial.openReader();
          known = hashPiece(ch, piece);
          pieceHashes.compareAndSet(piece, null, known);
        }
        out.add(known);
      }
    } finally {
      if (ch != null) {
        ch.close();
      }
    }
    return out;
  }

  private byte[] hashPiece(FileChannel ch, int piece) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(partial.lengthOf(piece));
    long pos = partial.offsetOf(piece);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new EOFException("piece " + piece + " of " + digest + " is short on disk");
      }
    }
    b.flip();
    return PieceHashing.sha256(b);
  }

  public Digest digest() {
    return digest;
  }

  public long size() {
    return size;
  }

  /** Completes with the published blob, or with why the fetch failed. */
  public CompletableFuture<BlobInfo> result() {
    return result;
  }

  /**
   * How many bytes from offset 0 a reader may send now: everything once the blob is verified,
   * before that all held bytes except the last piece.
   */
  public long sendable() {
    if (result.isDone()) {
      return result.isCompletedExceptionally() ? 0 : size;
    }
    if (verified) {
      return size;
    }
    long lastPiece = partial.lengthOf(partial.pieceCount() - 1);
    return Math.min(contiguous, size - lastPiece);
  }

  /**
   * Whether the whole blob arrived and matched its digest. Until then a reader of a range holds
   * back the range's last byte, even where the bytes before it arrived: those bytes are not
   * verified yet, and a range answered whole must be the right one.
   */
  public boolean verified() {
    return verified || (result.isDone() && !result.isCompletedExceptionally());
  }

  /**
   * Waits up to {@code max} for the fetch to end, successfully or not: a reader that found the file
   * moved waits for the store to record the blob complete, which happens just after.
   */
  public void awaitEnd(java.time.Duration max) throws java.io.InterruptedIOException {
    try {
      result.get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Failed, or still publishing after all this time: the store says which.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for " + digest);
    }
  }

  /** A read-only channel on the blob's file; see {@link PartialBlob#openReader()}. */
  public FileChannel openReader() throws IOException {
    return partial.openReader();
  }

  /**
   * Calls {@code listener} (on the fetch's thread) whenever more bytes became sendable or the fetch
   * ended. Returns what removes it.
   */
  public Runnable subscribe(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Ends the download without interrupting its thread (an interrupt would close the blob's file
   * under every reader): the source's stream is closed, the read fails, and the pieces that arrived
   * are flushed and kept for the next start.
   */
  void stop() {
    stopped = true;
    for (InputStream in : streams) {
      try {
        in.close();
      } catch (IOException e) {
        // Closing to unblock a read; its own failure changes nothing.
      }
    }
  }

  /** Downloads the missing pieces from {@code source}; runs on a fetch thread. */
  void run(BlobSource source, Provenance counters) {
    long start = System.nanoTime();
    // This fetch's own bytes by source, for its log line; the agent's totals go on to counters.
    Map<String, Long> mine = new java.util.concurrent.ConcurrentSkipListMap<>();
    Provenance bytesFetched =
        new Provenance() {
          @Override
          public void fetched(String from, long bytes) {
            mine.merge(from, bytes, Long::sum);
            bySource.merge(from, bytes, Long::sum);
            counters.fetched(from, bytes);
          }

          @Override
          public void rejected(String from, long bytes) {
            mine.merge(from + " (rejected)", bytes, Long::sum);
            counters.rejected(from, bytes);
          }
        };
    try {
      BlobInfo info = download(source, bytesFetched);
      log.info(
          "fetched digest={} size={} millis={} from={}",
          digest,
          size,
          (System.nanoTime() - start) / 1_000_000,
          mine);
      result.complete(info);
    } catch (IOException | RuntimeException e) {
      log.warn("fetch failed digest={} source={} error={}", digest, source.name(), e.toString());
      giveUp(e);
      result.completeExceptionally(e);
    } catch (Error e) {
      partial.suspend();
      result.completeExceptionally(e);
      throw e;
    } finally {
      notifyListeners();
    }
  }

  /**
   * Leaves the store as the failure calls for, before the fetch ends (and a new one may start): a
   * download that could not write is discarded, freeing the space its pieces took, unless the agent
   * is stopping; any other keeps its pieces for the next pull to resume, no longer in progress (so
   * eviction may take them meanwhile).
   */
  private void giveUp(Exception e) {
    boolean stopping =
        Thread.currentThread().isInterrupted()
            || e.getCause() instanceof ClosedByInterruptException;
    if (e instanceof StoreWriteException && !stopping) {
      try {
        store.delete(digest);
        return;
      } catch (IOException | RuntimeException d) {
        log.warn("discarding the failed download failed digest={} error={}", digest, d.toString());
      }
    }
    partial.suspend();
  }

  private BlobInfo download(BlobSource source, Provenance bytesFetched) throws IOException {
    if (source instanceof ParallelSource swarm && swarm.parallel()) {
      return downloadPieces(swarm, bytesFetched);
    }
    // Only a download that wrote every piece itself, in order, may skip re-reading the file.
    boolean streamedWhole = heldCount() == 0 && !splits(source);
    Hashing hash = inOrder(source, bytesFetched, streamedWhole);
    if (hash == null) {
      return partial.complete();
    }
    Digest streamed = hash.digest();
    if (streamed.equals(digest)) {
      // The bytes are right: readers may send the last piece while the file is flushed to disk.
      verified = true;
      notifyListeners();
    }
    return partial.completeStreamed(streamed);
  }

  /**
   * Pieces from several peers at once; what they cannot deliver (no progress within the stall
   * bound) comes from the source's fallback, in order. The file is then hashed whole.
   */
  private BlobInfo downloadPieces(ParallelSource swarm, Provenance bytesFetched)
      throws IOException {
    inOrder = false;
    Target target = new Target(bytesFetched);
    try {
      swarm.download(target);
    } catch (StoreWriteException e) {
      throw e;
    } catch (IOException e) {
      if (stopped) {
        throw e;
      }
      log.info(
          "peers made no progress, the rest comes from {} digest={} missing={} error={}",
          swarm.fallback().name(),
          digest,
          pieceCount() - heldCount(),
          e.toString());
    } finally {
      target.syncAll();
    }
    if (heldCount() < pieceCount()) {
      inOrder = true;
      inOrder(swarm.fallback(), bytesFetched, false);
    }
    return partial.complete();
  }

  /**
   * Reads the missing pieces in order from {@code source}, resuming after breaks that made
   * progress. With {@code hashing}, returns the hash of every byte of the blob.
   */
  private Hashing inOrder(BlobSource source, Provenance bytesFetched, boolean hashing)
      throws IOException {
    // Every source gets its own attempts: a failover does not use up the upstream's.
    Hashing hash = null;
    ByteBuffer buffer = ByteBuffer.allocate(partial.pieceSize());
    IOException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      long before = writtenBytes();
      hash = hashing ? new Hashing(digest.algorithm()) : null;
      try {
        copy(source, buffer, hash, bytesFetched);
        last = null;
        break;
      } catch (DigestMismatchException | StoreWriteException e) {
        throw e; // retrying cannot help: the bytes were wrong, or the disk refused them
      } catch (IOException e) {
        last = e;
        if (stopped) {
          break;
        }
        if (source.failover()) {
          log.info(
              "fetch continues from another source digest={} from={} error={}",
              digest,
              contiguous,
              e.toString());
          continue;
        }
        if (writtenBytes() == before) {
          break; // no progress: the source is down, not merely interrupted
        }
        log.info(
            "resuming fetch digest={} from={} attempt={} error={}",
            digest,
            contiguous,
            attempt + 1,
            e.toString());
      }
    }
    if (last != null) {
      throw last;
    }
    return hash;
  }

  private synchronized int heldCount() {
    return written.cardinality();
  }

  /** Marks {@code piece} written, moves the sendable prefix past it and tells the readers. */
  private void markWritten(int piece) {
    synchronized (this) {
      written.set(piece);
      contiguous = startOf(firstMissing());
    }
    notifyListeners();
  }

  /** The fetch's side of a parallel download: writes pieces, claiming them in batches. */
  private final class Target implements PieceTarget {
    private final Provenance bytesFetched;
    private final Unsynced unsynced = new Unsynced();

    Target(Provenance bytesFetched) {
      this.bytesFetched = bytesFetched;
    }

    @Override
    public Digest digest() {
      return digest;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int pieceSize() {
      return partial.pieceSize();
    }

    @Override
    public int pieceCount() {
      return partial.pieceCount();
    }

    @Override
    public int lengthOf(int piece) {
      return partial.lengthOf(piece);
    }

    @Override
    public BitSet written() {
      return writtenPieces();
    }

    @Override
    public boolean stopped() {
      return stopped;
    }

    @Override
    public void rejected(int piece, String from) {
      bytesFetched.rejected(from, partial.lengthOf(piece));
    }

    @Override
    public void write(int piece, ByteBuffer data, String from) throws IOException {
      int length = data.remaining();
      bytesFetched.fetched(from, length);
      downloads.acquire(length);
      unsynced.write(piece, data);
    }

    void syncAll() throws StoreWriteException {
      unsynced.flush();
    }
  }

  /**
   * Reads every missing piece from {@code source}: each run of missing pieces with one request, a
   * large run from an upstream that answers ranges with two at once (see {@link #splits}). Pieces
   * are written to the page cache and become sendable at once; they are forced to disk and claimed
   * in the index every {@link #SYNC_BYTES} and at the end, so the disk's speed does not pace the
   * clients. With {@code hash} (a download from offset 0 that is not split) every byte is hashed.
   */
  private void copy(BlobSource source, ByteBuffer buffer, Hashing hash, Provenance bytesFetched)
      throws IOException {
    int first;
    while ((first = firstMissing()) < partial.pieceCount()) {
      if (stopped) {
        throw new IOException("the agent is stopping");
      }
      // A source that cannot read part of a blob is read from the first gap to the end once,
      // skipping the pieces held, rather than from the start again for every gap.
      int end = source.readsRanges() ? nextWritten(first) : partial.pieceCount();
      if (hash != null && first != 0) {
        // A resumed attempt of a whole-stream download: hash what this fetch's earlier attempt
        // wrote.
        try (FileChannel ch = partial.openReader()) {
          hashPrefix(ch, partial.offsetOf(first), hash);
        }
      }
      if (hash == null && end - first >= 2 * SPLIT_MIN_PIECES && splits(source)) {
        int mid = first + (end - first) / 2;
        if (copySplit(source, first, mid, end, buffer, bytesFetched)) {
          continue;
        }
      }
      InputStream in =
          end == partial.pieceCount()
              ? source.open(partial.offsetOf(first))
              : source.openRange(partial.offsetOf(first), startOf(end));
      if (in == null) { // the upstream turned out not to answer ranges
        end = partial.pieceCount();
        in = source.open(partial.offsetOf(first));
      }
      copyRun(in, first, end, buffer, hash, source.name(), bytesFetched);
      if (hash != null && end != partial.pieceCount()) {
        throw new IllegalStateException("a hashed download of " + digest + " has a gap");
      }
    }
  }

  /**
   * Reads pieces {@code [first, mid)} and {@code [mid, end)} over two requests at once, the second
   * on a thread of its own. False, with nothing read, when the source turns out not to answer
   * ranges.
   */
  private boolean copySplit(
      BlobSource source, int first, int mid, int end, ByteBuffer buffer, Provenance bytesFetched)
      throws IOException {
    InputStream tail = source.openRange(partial.offsetOf(mid), startOf(end));
    if (tail == null) {
      return false;
    }
    InputStream head;
    try {
      head = source.openRange(partial.offsetOf(first), partial.offsetOf(mid));
    } catch (IOException | RuntimeException e) {
      tail.close();
      throw e;
    }
    if (head == null) {
      tail.close();
      return false;
    }
    log.debug("reading in two ranges digest={} pieces={}-{}-{}", digest, first, mid, end);
    AtomicReference<Throwable> tailFailure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                copyRun(
                    tail,
                    mid,
                    end,
                    ByteBuffer.allocate(partial.pieceSize()),
                    null,
                    source.name(),
                    bytesFetched);
              } catch (IOException | RuntimeException | Error e) {
                tailFailure.set(e);
              }
            },
            "shoal-fetch-range");
    reader.setDaemon(true);
    reader.start();
    try {
      copyRun(head, first, mid, buffer, null, source.name(), bytesFetched);
    } catch (IOException | RuntimeException e) {
      closeQuietly(tail); // the fetch fails anyway: do not wait for the other half
      joinUninterruptibly(reader);
      throw e;
    }
    joinUninterruptibly(reader);
    Throwable t = tailFailure.get();
    if (t instanceof IOException e) {
      throw e;
    } else if (t instanceof RuntimeException e) {
      throw e;
    } else if (t instanceof Error e) {
      throw e;
    }
    return true;
  }

  /**
   * Writes pieces {@code [from, to)} read from {@code in}, which starts at piece {@code from}, and
   * closes it. Whatever arrived stays, claimed, when the read breaks.
   */
  private void copyRun(
      InputStream in,
      int from,
      int to,
      ByteBuffer buffer,
      Hashing hash,
      String sourceName,
      Provenance bytesFetched)
      throws IOException {
    Unsynced unsynced = new Unsynced();
    streams.add(in);
    try (in) {
      if (stopped) {
        throw new IOException("the agent is stopping");
      }
      for (int piece = from; piece < to; piece++) {
        int length = partial.lengthOf(piece);
        int n = in.readNBytes(buffer.array(), 0, length);
        bytesFetched.fetched(sourceName, n);
        downloads.acquire(n);
        if (n < length) {
          throw new EOFException(
              "blob "
                  + digest
                  + " ended after "
                  + (partial.offsetOf(piece) + n)
                  + " of "
                  + size
                  + " bytes from "
                  + sourceName);
        }
        buffer.position(0).limit(length);
        if (hash != null) {
          hash.update(buffer.duplicate());
        }
        unsynced.write(piece, buffer);
      }
    } catch (IOException | RuntimeException e) {
      try {
        unsynced.flush();
      } catch (IOException | RuntimeException s) {
        e.addSuppressed(s);
      }
      throw e;
    } finally {
      streams.remove(in);
    }
    unsynced.flush();
  }

  /**
   * Whether a large run of missing pieces is read from {@code source} over two requests at once
   * (see {@link BlobFetches#splitUpstreamReads}). A home that reads a blob from the upstream for
   * the fleet shares its link with the pieces peers send it: with one connection among several its
   * read gets the smaller share. Two connections end it sooner, but measured no faster rollout.
   */
  private boolean splits(BlobSource source) {
    return splitReads && source.readsRanges() && partial.pieceCount() >= 2 * SPLIT_MIN_PIECES;
  }

  /** Where piece {@code piece} starts; the blob's size for the piece count. */
  private long startOf(int piece) {
    return piece >= partial.pieceCount() ? size : partial.offsetOf(piece);
  }

  private synchronized int firstMissing() {
    return written.nextClearBit(0);
  }

  /** The first written piece after {@code piece}, or the piece count. */
  private synchronized int nextWritten(int piece) {
    int next = written.nextSetBit(piece + 1);
    return next < 0 ? partial.pieceCount() : next;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Closing to stop a read; its own failure changes nothing.
    }
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Pieces written to the page cache but not yet forced to disk and claimed in the index: they are
   * claimed together every {@link #SYNC_BYTES}, one flush for many pieces.
   */
  private final class Unsynced {
    private final List<Integer> pieces = new ArrayList<>();
    private long bytes;

    /** Writes {@code piece} unless it is written already; flushes when enough is pending. */
    void write(int piece, ByteBuffer data) throws StoreWriteException {
      if (written(piece)) {
        return;
      }
      int length = data.remaining();
      try {
        partial.writeUnsynced(piece, data);
      } catch (IOException e) {
        throw new StoreWriteException(digest, e);
      }
      pieces.add(piece);
      bytes += length;
      markWritten(piece);
      if (bytes >= SYNC_BYTES) {
        flush();
      }
    }

    void flush() throws StoreWriteException {
      sync(pieces);
      pieces.clear();
      bytes = 0;
    }
  }

  private void sync(List<Integer> pieces) throws StoreWriteException {
    try {
      partial.sync(pieces);
    } catch (IOException e) {
      throw new StoreWriteException(digest, e);
    }
  }

  private static void hashPrefix(FileChannel ch, long length, Hashing hash) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1 << 20);
    long pos = 0;
    while (pos < length) {
      b.clear().limit((int) Math.min(b.capacity(), length - pos));
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new EOFException("partial file shorter than " + length);
      }
      b.flip();
      hash.update(b);
      pos += n;
    }
  }

  private synchronized long heldPrefix() {
    return startOf(firstMissing());
  }

  /** Writing a piece into the store failed: the disk, not the source. */
  private static final class StoreWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    StoreWriteException(Digest digest, IOException cause) {
      super("storing " + digest + " failed: " + cause.getMessage(), cause);
    }
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("fetch listener failed digest={}", digest, e);
      }
    }
  }
}
