package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees space when the file system passes the high watermark or the store passes {@code maxBytes}:
 * least recently used blobs first, down to the low watermark, never a pinned blob, one with
 * references, or a download in progress. Runs on its own thread on a schedule, after commits that
 * push the store over its limit, and on demand.
 */
final class Evictor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Evictor.class);

  private final ContentStore store;
  private final StoreConfig config;
  private final DiskUsage disk;
  private final AtomicBoolean nudged = new AtomicBoolean();
  private ScheduledExecutorService scheduler;

  Evictor(ContentStore store, StoreConfig config, DiskUsage disk) {
    this.store = store;
    this.config = config;
    this.disk = disk;
  }

  void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shoal-store-evictor");
              t.setDaemon(true);
              return t;
            });
    long every = config.evictionInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::runLogged, every, every, TimeUnit.MILLISECONDS);
  }

  /** Asks for a run soon when the store is over {@code maxBytes}; cheap, called after commits. */
  void nudge() {
    if (config.maxBytes() > 0
        && store.usage().bytes() > config.maxBytes()
        && scheduler != null
        && nudged.compareAndSet(false, true)) {
      scheduler.execute(
          () -> {
            nudged.set(false);
            runLogged();
          });
    }
  }

  private void runLogged() {
    try {
      EvictionReport r = runOnce();
      if (r.ran()) {
        log.info(
            "evicted blobs={} freedBytes={} shortBytes={} reason={}",
            r.evicted().size(),
            r.freedBytes(),
            r.shortBytes(),
            r.reason());
      }
    } catch (IOException | RuntimeException e) {
      // The next scheduled run tries again; a failed run must not kill the scheduler thread.
      log.warn("eviction failed: {}", e.toString());
    }
  }

  synchronized EvictionReport runOnce() throws IOException {
    if (!config.evict()) {
      return EvictionReport.nothingToDo();
    }
    long total = disk.totalBytes();
    long usedOnDisk = total - disk.usableBytes();
    long storeBytes = store.usage().bytes();
    long wantDisk = 0;
    long wantStore = 0;
    List<String> reasons = new ArrayList<>();
    if (total > 0 && usedOnDisk > config.highWatermark() * total) {
      wantDisk = usedOnDisk - (long) (config.lowWatermark() * total);
      reasons.add(
          String.format(
              "disk %.1f%% used (high watermark %.1f%%)",
              100.0 * usedOnDisk / total, 100 * config.highWatermark()));
    }
    if (config.maxBytes() > 0 && storeBytes > config.maxBytes()) {
      long target = (long) (config.maxBytes() * config.lowWatermark() / config.highWatermark());
      wantStore = storeBytes - target;
      reasons.add("store holds " + storeBytes + " bytes (maxBytes " + config.maxBytes() + ")");
    }
    long want = Math.max(wantDisk, wantStore);
    if (want <= 0) {
      return EvictionReport.nothingToDo();
    }
    List<Candidate> candidates = candidates();
    List<Digest> evicted = new ArrayList<>();
    long freed = 0;
    for (Candidate c : candidates) {
      if (freed >= want) {
        break;
      }
      // remove() re-checks pins and references under the digest's lock: they may be newer than the
      // scan.
      if (store.remove(c.digest, true)) {
        evicted.add(c.digest);
        freed += c.bytes;
      }
    }
    return new EvictionReport(
        String.join("; ", reasons), List.copyOf(evicted), freed, Math.max(0, want - freed));
  }

  private List<Candidate> candidates() throws IOException {
    List<Candidate> out = new ArrayList<>();
    List<Digest> digests = new ArrayList<>();
    List<BlobRecord> records = new ArrayList<>();
    store
        .index()
        .forEach(
            (d, r) -> {
              if (r.getPinsCount() == 0 && r.getReferencesCount() == 0) {
                digests.add(d);
                records.add(r);
              }
            });
    for (int i = 0; i < digests.size(); i++) {
      Digest d = digests.get(i);
      BlobRecord r = records.get(i);
      if (Records.isPartial(r) && store.downloading(d)) {
        continue;
      }
      long last = Math.max(store.index().lastAccess(d), r.getCreatedMillis());
      out.add(new Candidate(d, Records.bytesHeld(r), last));
    }
    out.sort(Comparator.comparingLong((Candidate c) -> c.lastAccess).thenComparing(c -> c.digest));
    return out;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private record Candidate(Digest digest, long bytes, long lastAccess) {}
}
