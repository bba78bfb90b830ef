package dev.shoal.origin.api;

import static java.util.Objects.requireNonNull;

import dev.shoal.origin.meta.RegistryMetadata;
import dev.shoal.origin.meta.UploadSession;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes upload sessions nobody touched for a while (not started, no chunk acknowledged) with
 * their files, so that a client that gave up does not keep its bytes on disk forever; the spec says
 * of cancelling: "If this is not called, the unfinished uploads will eventually timeout". Their
 * upload URLs then answer {@code BLOB_UPLOAD_UNKNOWN}. Also removes files no session owns (left by
 * a crash between ending a session and deleting its file).
 *
 * <p>Idle time is measured with the origin's {@link Clock}; a session a request is writing to is
 * never removed, however long that request takes.
 */
public final class UploadSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadSweeper.class);
  private static final int PAGE = 500;
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_INTERVAL = Duration.ofHours(1);

  private final RegistryMetadata meta;
  private final UploadArea area;
  private final Clock clock;
  private final Duration ttl;
  private final ApiMetrics metrics;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          new DefaultThreadFactory("shoal-upload-sweeper", true));

  /** Sweeps sessions idle for {@code ttl} or longer; {@link #start} runs it on a schedule. */
  public UploadSweeper(
      RegistryMetadata meta, UploadArea area, Clock clock, Duration ttl, ApiMetrics metrics) {
    this.meta = requireNonNull(meta, "meta");
    this.area = requireNonNull(area, "area");
    this.clock = requireNonNull(clock, "clock");
    this.ttl = requireNonNull(ttl, "ttl");
    this.metrics = requireNonNull(metrics, "metrics");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
  }

  /**
   * Sweeps every quarter of the idle time, but at least hourly: a session goes at most a quarter
   * (or an hour) after it became stale.
   */
  public void start() {
    Duration quarter = ttl.dividedBy(4);
    Duration every =
        quarter.compareTo(MIN_INTERVAL) < 0
            ? MIN_INTERVAL
            : quarter.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : quarter;
    timer.scheduleWithFixedDelay(
        this::sweepLogged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Removes the sessions idle for the configured time or longer, and files of no session; returns
   * how many sessions it removed.
   */
  public synchronized int sweep() throws IOException {
    long cutoff = clock.millis() - ttl.toMillis();
    int removed = 0;
    String after = null;
    List<UploadSession> page;
    do {
      page = meta.uploads(after, PAGE);
      for (UploadSession s : page) {
        if (s.updatedMillis() <= cutoff && expire(s.id(), cutoff)) {
          removed++;
        }
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == PAGE);
    for (String id : area.fileIds()) {
      if (meta.upload(id).isEmpty()) {
        removeOrphan(id);
      }
    }
    metrics.uploadsExpired(removed);
    return removed;
  }

  /** Removes session {@code id} if no request holds it and it is still idle since the cutoff. */
  private boolean expire(String id, long cutoff) throws IOException {
    if (!area.claimForSweep(id)) {
      return false; // a request is writing to it: not idle
    }
    try {
      // Read again under the claim: a chunk may have been acknowledged since the page was read.
      Optional<UploadSession> now = meta.upload(id);
      if (now.isEmpty() || now.get().updatedMillis() > cutoff) {
        return false;
      }
      meta.endUpload(id);
      area.forgetHash(id);
      Files.deleteIfExists(area.file(id));
      log.debug("upload session expired id={} repository={}", id, now.get().repository());
      return true;
    } finally {
      area.endSweep(id);
    }
  }

  private void removeOrphan(String id) throws IOException {
    if (!area.claimForSweep(id)) {
      return;
    }
    try {
      // A session's record is written before its file, so a file without one is dead for good.
      if (meta.upload(id).isEmpty()) {
        Files.deleteIfExists(area.file(id));
      }
    } finally {
      area.endSweep(id);
    }
  }

  private void sweepLogged() {
    try {
      int removed = sweep();
      if (removed > 0) {
        log.info("expired idle upload sessions count={} idleFor={}", removed, ttl);
      }
    } catch (IOException | RuntimeException e) {
      // The next run tries again; a failing disk shows in other errors too.
      log.warn("sweeping upload sessions failed", e);
    }
  }

  /** Stops the schedule; a sweep under way finishes first (bounded: a few seconds). */
  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      timer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
