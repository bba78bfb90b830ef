package dev.shoal.core.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The store's records: the RocksDB index behind a Caffeine cache, with one lock per digest stripe.
 *
 * <p>Every change of a digest's record happens under that digest's lock and updates the cache in
 * the same step, so the cache never serves a record the index no longer has. A concurrent cache
 * load cannot resurrect an old record either: Caffeine makes a {@code put} wait for a running load
 * of the same key.
 */
final class BlobRecords implements AutoCloseable {
  private final BlobIndex index;
  private final Clock clock;
  private final long accessWriteMillis;
  private final StripedLocks locks = new StripedLocks(256);
  private final Cache<Digest, Optional<BlobRecord>> cache;
  private final Cache<Digest, Long> accessWritten =
      Caffeine.newBuilder().maximumSize(100_000).build();

  BlobRecords(BlobIndex index, StoreConfig config, Clock clock) {
    this.index = index;
    this.clock = clock;
    this.accessWriteMillis = config.accessWriteInterval().toMillis();
    this.cache =
        config.cacheEntries() == 0
            ? null
            : Caffeine.newBuilder().maximumSize(config.cacheEntries()).build();
  }

  BlobIndex index() {
    return index;
  }

  ReentrantLock lockOf(Digest digest) {
    return locks.of(digest);
  }

  Optional<BlobRecord> get(Digest digest) throws IOException {
    if (cache == null) {
      return index.get(digest);
    }
    try {
      return cache.get(
          digest,
          d -> {
            try {
              return index.get(d);
            } catch (IndexException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Writes a record; the caller holds the digest's lock. {@code durable} waits for the disk, for
   * state changes; relaxed writes are for facts safe to lose in a power cut.
   */
  void put(Digest digest, BlobRecord r, boolean durable) throws IOException {
    if (durable) {
      index.put(digest, r);
    } else {
      index.putRelaxed(digest, r);
    }
    cached(digest, Optional.of(r));
  }

  /** Writes a record and its first access time in one durable batch; the caller holds the lock. */
  void putWithAccess(Digest digest, BlobRecord r, long accessMillis) throws IOException {
    index.put(digest, r, accessMillis);
    cached(digest, Optional.of(r));
    accessWritten.put(digest, accessMillis);
  }

  /** Drops a record; the caller holds the digest's lock. */
  void delete(Digest digest) throws IOException {
    index.delete(digest);
    cached(digest, Optional.empty());
    accessWritten.invalidate(digest);
  }

  /** Applies {@code change} to an existing record under the digest's lock. */
  void mutate(Digest digest, UnaryOperator<BlobRecord> change) throws IOException {
    ReentrantLock lock = lockOf(digest);
    lock.lock();
    try {
      BlobRecord r = get(digest).orElseThrow(() -> new BlobNotFoundException(digest));
      BlobRecord next = change.apply(r);
      if (!next.equals(r)) {
        put(digest, next, true);
      }
    } finally {
      lock.unlock();
    }
  }

  long lastAccess(Digest digest) throws IOException {
    return index.lastAccess(digest);
  }

  /** Notes an access for eviction order, writing it to the index at most once per interval. */
  void touch(Digest digest) throws IOException {
    long now = clock.millis();
    Long written = accessWritten.getIfPresent(digest);
    if (written == null || now - written >= accessWriteMillis) {
      index.putAccess(digest, now);
      accessWritten.put(digest, now);
    }
  }

  private void cached(Digest digest, Optional<BlobRecord> r) {
    if (cache != null) {
      cache.put(digest, r);
    }
  }

  @Override
  public void close() {
    index.close();
  }
}
