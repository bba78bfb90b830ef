package dev.shoal.agent.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared byte rate, on a clock that moves only when the limiter sleeps. */
class RateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private RateLimit limit(long bytesPerSecond) {
    return new RateLimit(bytesPerSecond, now::get, d -> now.addAndGet(d.toNanos()));
  }

  @Test
  void aBurstOfOneSecondGoesAtOnce_thenTheRateHolds() throws Exception {
    RateLimit l = limit(1_000_000);
    l.acquire(1_000_000);
    assertThat(now.get()).isEqualTo(1_000_000_000L);

    long start = now.get();
    for (int i = 0; i < 10; i++) {
      l.acquire(500_000);
    }
    // Five more seconds of bytes at one million bytes a second.
    assertThat(Duration.ofNanos(now.get() - start)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void idleTimeRefillsUpToOneSecondOnly() throws Exception {
    RateLimit l = limit(1_000_000);
    l.acquire(1_000_000);
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    long start = now.get();
    l.acquire(3_000_000);
    assertThat(Duration.ofNanos(now.get() - start)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void zeroMeansNoLimit() throws Exception {
    RateLimit l = limit(0);
    l.acquire(Long.MAX_VALUE / 2);
    assertThat(l.limited()).isFalse();
    assertThat(now.get()).isEqualTo(1_000_000_000L);
    assertThatThrownBy(() -> limit(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
