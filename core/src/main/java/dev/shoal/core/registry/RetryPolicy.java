package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How often and how patiently a request is retried after a connection error, a 5xx or a 429:
 * exponential backoff from {@code initialDelay}, doubled per attempt up to {@code maxDelay}, with
 * jitter (each delay is scaled by a random factor in [0.5, 1)) so a fleet does not retry in step. A
 * {@code Retry-After} in seconds replaces the backoff, capped at {@code maxDelay}.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  public RetryPolicy {
    requireNonNull(initialDelay, "initialDelay");
    requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
    }
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "initialDelay: "
              + initialDelay
              + ", maxDelay: "
              + maxDelay
              + " (expected: 0 <= initialDelay <= maxDelay)");
    }
  }

  /** Four attempts, 200 ms doubling to at most 5 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  /** One attempt only. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The wait after failed attempt {@code failed} (1-based).
   *
   * @param random uniform in [0, 1)
   */
  Duration backoff(int failed, DoubleSupplier random) {
    Duration d = initialDelay.multipliedBy(1L << Math.min(failed - 1, 30));
    if (d.compareTo(maxDelay) > 0 || d.isNegative()) {
      d = maxDelay;
    }
    return Duration.ofNanos((long) (d.toNanos() * (0.5 + random.getAsDouble() / 2)));
  }

  /** A server's {@code Retry-After} seconds, capped at {@link #maxDelay}. */
  Duration retryAfter(long seconds) {
    Duration d = Duration.ofSeconds(Math.max(0, seconds));
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}
