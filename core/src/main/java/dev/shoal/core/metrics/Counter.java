package dev.shoal.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A count that only goes up, cheap to bump from many threads at once (a {@link LongAdder}: no
 * contention, no allocation). Made by {@link MetricsRegistry#counter} or {@link
 * LabelledCounter#labels}.
 */
public final class Counter {
  private final LongAdder adder = new LongAdder();

  Counter() {}

  public void increment() {
    adder.increment();
  }

  /** Adds {@code n}, which must not be negative: a counter never goes down. */
  public void add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
    adder.add(n);
  }

  public long value() {
    return adder.sum();
  }
}
