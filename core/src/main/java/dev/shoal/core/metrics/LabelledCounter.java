package dev.shoal.core.metrics;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A family of counters told apart by label values: {@code requests_total{method="GET"}}. Looking a
 * child up allocates, so a hot path looks its children up once and keeps them.
 */
public final class LabelledCounter {
  private final List<String> labelNames;
  private final Map<List<String>, Counter> byValues = new ConcurrentHashMap<>();
  // The same children by their rendered label set, which is also the order they are written in.
  private final Map<String, Counter> byLabels = new ConcurrentSkipListMap<>();

  LabelledCounter(List<String> labelNames) {
    if (labelNames.isEmpty()) {
      throw new IllegalArgumentException("labelNames: [] (expected: at least one)");
    }
    labelNames.forEach(TextFormat::checkLabelName);
    if (labelNames.stream().distinct().count() != labelNames.size()) {
      throw new IllegalArgumentException("labelNames: " + labelNames + " (expected: distinct)");
    }
    this.labelNames = List.copyOf(labelNames);
  }

  /**
   * The counter of these label values (in the order of the label names), made on first use.
   *
   * @throws IllegalArgumentException when the number of values is not the number of labels
   */
  public Counter labels(String... values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(
          "label values: "
              + Arrays.toString(values)
              + " (expected: "
              + labelNames.size()
              + " values for "
              + labelNames
              + ")");
    }
    List<String> key = List.of(values); // also rejects null values
    Counter c = byValues.get(key);
    return c != null ? c : byValues.computeIfAbsent(key, this::newChild);
  }

  private Counter newChild(List<String> values) {
    Counter c = new Counter();
    byLabels.put(TextFormat.labels(labelNames, values), c);
    return c;
  }

  /** The sum over all children. */
  public long total() {
    long sum = 0;
    for (Counter c : byValues.values()) {
      sum += c.value();
    }
    return sum;
  }

  void writeSamples(StringBuilder out, String name) {
    requireNonNull(out, "out");
    byLabels.forEach((labels, c) -> TextFormat.sample(out, name, labels, c.value()));
  }
}
