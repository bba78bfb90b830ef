package dev.shoal.core.registry;

import java.time.Duration;

/** Waits between retries; tests inject one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep}. */
  static Sleeper system() {
    return d -> Thread.sleep(d.toMillis());
  }
}
