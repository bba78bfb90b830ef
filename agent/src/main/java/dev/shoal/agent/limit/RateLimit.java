package dev.shoal.agent.limit;

import dev.shoal.core.registry.Sleeper;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A byte rate shared by every transfer of one direction (an agent's uploads to peers, or its
 * downloads from peers and upstreams): a token bucket holding up to one second of bytes, so a short
 * burst goes at full speed and the long-run rate stays at the limit.
 */
public final class RateLimit {
  private final long bytesPerSecond;
  private final LongSupplier nanos;
  private final Sleeper sleeper;
  private double available; // guarded by this; may go negative: a debt paid by waiting
  private long last; // guarded by this

  /** No limit. */
  public static RateLimit unlimited() {
    return new RateLimit(0, System::nanoTime, Sleeper.system());
  }

  /** {@code bytesPerSecond} 0 means no limit. */
  public static RateLimit of(long bytesPerSecond) {
    return new RateLimit(bytesPerSecond, System::nanoTime, Sleeper.system());
  }

  RateLimit(long bytesPerSecond, LongSupplier nanos, Sleeper sleeper) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "bytesPerSecond: " + bytesPerSecond + " (expected: >= 0, 0 for none)");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanos = nanos;
    this.sleeper = sleeper;
    this.last = nanos.getAsLong();
    this.available = bytesPerSecond;
  }

  public boolean limited() {
    return bytesPerSecond > 0;
  }

  /** Takes {@code bytes} from the bucket, waiting as long as the rate requires. */
  public void acquire(long bytes) throws InterruptedIOException {
    if (bytesPerSecond == 0 || bytes <= 0) {
      return;
    }
    long waitNanos = reserve(bytes);
    if (waitNanos > 0) {
      try {
        sleeper.sleep(Duration.ofNanos(waitNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("waiting for the bandwidth limit");
      }
    }
  }

  /** The wait owed for {@code bytes}, in nanoseconds; the bucket is charged at once. */
  synchronized long reserve(long bytes) {
    long now = nanos.getAsLong();
    available = Math.min(bytesPerSecond, available + (now - last) * (double) bytesPerSecond / 1e9);
    last = now;
    available -= bytes;
    return available >= 0 ? 0 : (long) (-available * 1e9 / bytesPerSecond);
  }
}
