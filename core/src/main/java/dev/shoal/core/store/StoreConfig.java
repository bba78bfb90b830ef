package dev.shoal.core.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the content store. Every field has a default in {@link #defaults(Path)}; a value out
 * of range is refused with a message naming the key, e.g. {@code store.lowWatermark: 0.95
 * (expected: < store.highWatermark 0.90)}.
 *
 * @param dataDir root of the store: {@code index/}, {@code blobs/}, {@code partial/}, {@code tmp/}
 * @param maxBytes most bytes the store may hold before eviction starts; 0 for no limit
 * @param highWatermark fraction of the file system in use above which eviction starts
 * @param lowWatermark fraction eviction frees down to (also the target under {@code maxBytes}: it
 *     frees to {@code lowWatermark / highWatermark} of {@code maxBytes})
 * @param evictionInterval how often background eviction checks the watermarks
 * @param accessWriteInterval a blob's last-access time is written to the index at most this often
 * @param cacheEntries size of the in-memory cache of index records (0 turns it off; see
 *     bench/README.md for what it buys)
 * @param verifyOnOpen re-hash every complete blob at startup (slow; for suspect disks)
 */
public record StoreConfig(
    Path dataDir,
    long maxBytes,
    double highWatermark,
    double lowWatermark,
    Duration evictionInterval,
    Duration accessWriteInterval,
    long cacheEntries,
    boolean verifyOnOpen) {

  public StoreConfig {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(evictionInterval, "evictionInterval");
    requireNonNull(accessWriteInterval, "accessWriteInterval");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("store.maxBytes: " + maxBytes + " (expected: >= 0)");
    }
    if (!(highWatermark > 0 && highWatermark <= 1)) {
      throw new IllegalArgumentException(
          "store.highWatermark: " + highWatermark + " (expected: > 0 and <= 1)");
    }
    if (!(lowWatermark > 0 && lowWatermark < highWatermark)) {
      throw new IllegalArgumentException(
          "store.lowWatermark: "
              + lowWatermark
              + " (expected: > 0 and < store.highWatermark "
              + highWatermark
              + ")");
    }
    if (evictionInterval.isNegative() || evictionInterval.isZero()) {
      throw new IllegalArgumentException(
          "store.evictionInterval: " + evictionInterval + " (expected: > 0)");
    }
    if (accessWriteInterval.isNegative()) {
      throw new IllegalArgumentException(
          "store.accessWriteInterval: " + accessWriteInterval + " (expected: >= 0)");
    }
    if (cacheEntries < 0) {
      throw new IllegalArgumentException(
          "store.cacheEntries: " + cacheEntries + " (expected: >= 0)");
    }
  }

  /** A store in {@code dataDir} with the defaults a single host needs. */
  public static StoreConfig defaults(Path dataDir) {
    return new StoreConfig(
        dataDir, 0, 0.90, 0.80, Duration.ofMinutes(1), Duration.ofMinutes(1), 10_000, false);
  }

  public StoreConfig withMaxBytes(long bytes) {
    return new StoreConfig(
        dataDir,
        bytes,
        highWatermark,
        lowWatermark,
        evictionInterval,
        accessWriteInterval,
        cacheEntries,
        verifyOnOpen);
  }

  public StoreConfig withWatermarks(double high, double low) {
    return new StoreConfig(
        dataDir,
        maxBytes,
        high,
        low,
        evictionInterval,
        accessWriteInterval,
        cacheEntries,
        verifyOnOpen);
  }

  public StoreConfig withCacheEntries(long entries) {
    return new StoreConfig(
        dataDir,
        maxBytes,
        highWatermark,
        lowWatermark,
        evictionInterval,
        accessWriteInterval,
        entries,
        verifyOnOpen);
  }

  public StoreConfig withVerifyOnOpen(boolean verify) {
    return new StoreConfig(
        dataDir,
        maxBytes,
        highWatermark,
        lowWatermark,
        evictionInterval,
        accessWriteInterval,
        cacheEntries,
        verify);
  }

  Path indexDir() {
    return dataDir.resolve("index");
  }

  Path blobsDir() {
    return dataDir.resolve("blobs");
  }

  Path partialDir() {
    return dataDir.resolve("partial");
  }

  Path tmpDir() {
    return dataDir.resolve("tmp");
  }
}
