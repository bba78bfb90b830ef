package dev.shoal.core.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the content store. Every field has a default in {@link #defaults(Path)}; a value out
 * of range is refused with a message naming the key, e.g. {@code store.lowWatermark: 0.95
 * (expected: > 0 and < store.highWatermark 0.9)}.
 *
 * @param dataDir root of the store: {@code index/}, {@code blobs/}, {@code partial/}, {@code tmp/}
 * @param evict whether the store frees space by itself; an agent's cache does, an origin's
 *     authoritative store never does
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
    boolean evict,
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
    return new Builder(dataDir).build();
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(dataDir)
        .evict(evict)
        .maxBytes(maxBytes)
        .watermarks(highWatermark, lowWatermark)
        .evictionInterval(evictionInterval)
        .accessWriteInterval(accessWriteInterval)
        .cacheEntries(cacheEntries)
        .verifyOnOpen(verifyOnOpen);
  }

  public StoreConfig withDataDir(Path dir) {
    return toBuilder().dataDir(dir).build();
  }

  public StoreConfig withMaxBytes(long bytes) {
    return toBuilder().maxBytes(bytes).build();
  }

  public StoreConfig withWatermarks(double high, double low) {
    return toBuilder().watermarks(high, low).build();
  }

  public StoreConfig withCacheEntries(long entries) {
    return toBuilder().cacheEntries(entries).build();
  }

  public StoreConfig withVerifyOnOpen(boolean verify) {
    return toBuilder().verifyOnOpen(verify).build();
  }

  public StoreConfig withEviction(boolean enabled) {
    return toBuilder().evict(enabled).build();
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

  /** Builds a {@link StoreConfig}; unset fields keep the defaults. Validation happens in build. */
  public static final class Builder {
    private Path dataDir;
    private boolean evict = true;
    private long maxBytes;
    private double highWatermark = 0.90;
    private double lowWatermark = 0.80;
    private Duration evictionInterval = Duration.ofMinutes(1);
    private Duration accessWriteInterval = Duration.ofMinutes(1);
    private long cacheEntries = 10_000;
    private boolean verifyOnOpen;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    public Builder evict(boolean enabled) {
      this.evict = enabled;
      return this;
    }

    public Builder maxBytes(long bytes) {
      this.maxBytes = bytes;
      return this;
    }

    public Builder watermarks(double high, double low) {
      this.highWatermark = high;
      this.lowWatermark = low;
      return this;
    }

    public Builder highWatermark(double high) {
      this.highWatermark = high;
      return this;
    }

    public Builder lowWatermark(double low) {
      this.lowWatermark = low;
      return this;
    }

    public Builder evictionInterval(Duration interval) {
      this.evictionInterval = interval;
      return this;
    }

    public Builder accessWriteInterval(Duration interval) {
      this.accessWriteInterval = interval;
      return this;
    }

    public Builder cacheEntries(long entries) {
      this.cacheEntries = entries;
      return this;
    }

    public Builder verifyOnOpen(boolean verify) {
      this.verifyOnOpen = verify;
      return this;
    }

    public StoreConfig build() {
      return new StoreConfig(
          dataDir,
          evict,
          maxBytes,
          highWatermark,
          lowWatermark,
          evictionInterval,
          accessWriteInterval,
          cacheEntries,
          verifyOnOpen);
    }
  }
}
