package dev.shoal.core.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * The metrics of one process, which its components register once at start, and their Prometheus
 * text exposition (format 0.0.4, see {@link TextFormat}) sorted by name, so that two scrapes of the
 * same state read the same.
 *
 * <p>Counter names end in {@code _total}; gauge names do not. Registration may happen at any time,
 * also while scrapes run. Gauges and counter functions are called on every scrape, possibly on an
 * event loop: they must be quick and must not block (read an atomic, not a file or a database).
 */
public final class MetricsRegistry {
  private static final String COUNTER = "counter";
  private static final String GAUGE = "gauge";

  /** One metric family: its header and its samples. */
  private interface Family {
    String help();

    String type();

    void writeSamples(StringBuilder out, String name);
  }

  private record Single(String help, String type, LongSupplier value) implements Family {
    @Override
    public void writeSamples(StringBuilder out, String name) {
      TextFormat.sample(out, name, "", value.getAsLong());
    }
  }

  private record Labelled(String help, LabelledCounter counter) implements Family {
    @Override
    public String type() {
      return COUNTER;
    }

    @Override
    public void writeSamples(StringBuilder out, String name) {
      counter.writeSamples(out, name);
    }
  }

  private final Map<String, Family> families = new ConcurrentSkipListMap<>();

  /** A counter this registry keeps. */
  public Counter counter(String name, String help) {
    Counter c = new Counter();
    register(counterName(name), new Single(help(help), COUNTER, c::value));
    return c;
  }

  /**
   * A counter kept elsewhere, read on every scrape: {@code value} must never go down (except to
   * zero when the process restarts).
   */
  public void counter(String name, String help, LongSupplier value) {
    requireNonNull(value, "value");
    register(counterName(name), new Single(help(help), COUNTER, value));
  }

  /** A family of counters with the given labels; see {@link LabelledCounter}. */
  public LabelledCounter labelledCounter(String name, String help, String... labelNames) {
    LabelledCounter c = new LabelledCounter(List.of(labelNames));
    register(counterName(name), new Labelled(help(help), c));
    return c;
  }

  /** A value that goes up and down, read on every scrape. */
  public void gauge(String name, String help, LongSupplier value) {
    requireNonNull(value, "value");
    TextFormat.checkMetricName(name);
    if (name.endsWith("_total")) {
      throw new IllegalArgumentException("gauge name: " + name + " (expected: no _total suffix)");
    }
    register(name, new Single(help(help), GAUGE, value));
  }

  /** Every metric in the text format, families sorted by name, children by their labels. */
  public void writeTo(StringBuilder out) {
    requireNonNull(out, "out");
    families.forEach(
        (name, f) -> {
          TextFormat.header(out, name, f.help(), f.type());
          f.writeSamples(out, name);
        });
  }

  /** {@link #writeTo} into a new string. */
  public String scrape() {
    StringBuilder out = new StringBuilder(64 * Math.max(1, families.size()));
    writeTo(out);
    return out.toString();
  }

  private void register(String name, Family family) {
    if (families.putIfAbsent(name, family) != null) {
      throw new IllegalArgumentException("metric: " + name + " (expected: registered once)");
    }
  }

  private static String counterName(String name) {
    TextFormat.checkMetricName(name);
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("counter name: " + name + " (expected: ending in _total)");
    }
    return name;
  }

  private static String help(String help) {
    requireNonNull(help, "help");
    if (help.isBlank()) {
      throw new IllegalArgumentException("help: \"\" (expected: a description)");
    }
    return help;
  }
}
