package dev.shoal.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
  private final MetricsRegistry registry = new MetricsRegistry();

  @Test
  void scrape_writesHelpTypeAndSamples_familiesSortedByName() {
    AtomicLong inProgress = new AtomicLong(3);
    Counter pushed = registry.counter("shoal_pushed_total", "Manifests pushed.");
    registry.gauge("shoal_uploads", "Uploads in progress.", inProgress::get);
    registry.counter("shoal_events_total", "Events appended to the log.", () -> 7);
    pushed.add(5);
    pushed.increment();
    inProgress.decrementAndGet();

    assertThat(registry.scrape())
        .isEqualTo(
            "# HELP shoal_events_total Events appended to the log.\n"
                + "# TYPE shoal_events_total counter\n"
                + "shoal_events_total 7\n"
                + "# HELP shoal_pushed_total Manifests pushed.\n"
                + "# TYPE shoal_pushed_total counter\n"
                + "shoal_pushed_total 6\n"
                + "# HELP shoal_uploads Uploads in progress.\n"
                + "# TYPE shoal_uploads gauge\n"
                + "shoal_uploads 2\n");
  }

  @Test
  void labelledCounter_writesOneSamplePerLabelSet_sortedAndStable() {
    LabelledCounter requests =
        registry.labelledCounter("http_requests_total", "Requests.", "method", "status");
    requests.labels("PUT", "2xx").increment();
    requests.labels("GET", "4xx").add(2);
    requests.labels("GET", "2xx").add(3);
    requests.labels("PUT", "2xx").increment();

    String expected =
        "# HELP http_requests_total Requests.\n"
            + "# TYPE http_requests_total counter\n"
            + "http_requests_total{method=\"GET\",status=\"2xx\"} 3\n"
            + "http_requests_total{method=\"GET\",status=\"4xx\"} 2\n"
            + "http_requests_total{method=\"PUT\",status=\"2xx\"} 2\n";
    assertThat(registry.scrape()).isEqualTo(expected);
    assertThat(registry.scrape()).as("a second scrape of the same state").isEqualTo(expected);
    assertThat(requests.total()).isEqualTo(7);
    assertThat(requests.labels("GET", "2xx")).isSameAs(requests.labels("GET", "2xx"));
  }

  @Test
  void labelValues_escapeBackslashQuoteAndLineFeed() {
    LabelledCounter c = registry.labelledCounter("odd_total", "Odd labels.", "path");
    c.labels("a\\b\"c\nd").increment();

    assertThat(registry.scrape()).contains("odd_total{path=\"a\\\\b\\\"c\\nd\"} 1\n");
  }

  @Test
  void helpText_escapesBackslashAndLineFeed_butNotQuotes() {
    registry.gauge("g", "two\nlines \\ and \"quotes\"", () -> 1);

    assertThat(registry.scrape()).startsWith("# HELP g two\\nlines \\\\ and \"quotes\"\n");
  }

  @Test
  void emptyRegistry_scrapesToNothing() {
    assertThat(registry.scrape()).isEmpty();
    registry.labelledCounter("none_yet_total", "No children yet.", "kind");
    assertThat(registry.scrape())
        .as("a family with no children has a header and no samples")
        .isEqualTo("# HELP none_yet_total No children yet.\n# TYPE none_yet_total counter\n");
  }

  @Test
  void badNames_areRefusedNamingTheName() {
    assertThatThrownBy(() -> registry.counter("2bad_total", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metric name: 2bad_total (expected: [a-zA-Z_:][a-zA-Z0-9_:]*)");
    assertThatThrownBy(() -> registry.counter("requests", "x"))
        .hasMessage("counter name: requests (expected: ending in _total)");
    assertThatThrownBy(() -> registry.gauge("open_total", "x", () -> 0))
        .hasMessage("gauge name: open_total (expected: no _total suffix)");
    assertThatThrownBy(() -> registry.labelledCounter("a_total", "x", "__reserved"))
        .hasMessageStartingWith("label name: __reserved (expected:");
    assertThatThrownBy(() -> registry.labelledCounter("b_total", "x", "a", "a"))
        .hasMessage("labelNames: [a, a] (expected: distinct)");
    assertThatThrownBy(() -> registry.gauge("g", " ", () -> 0))
        .hasMessage("help: \"\" (expected: a description)");
  }

  @Test
  void sameNameTwice_isRefused() {
    registry.counter("dup_total", "First.");
    assertThatThrownBy(() -> registry.labelledCounter("dup_total", "Second.", "x"))
        .hasMessage("metric: dup_total (expected: registered once)");
  }

  @Test
  void wrongNumberOfLabelValues_isRefused() {
    LabelledCounter c = registry.labelledCounter("c_total", "C.", "method", "status");
    assertThatThrownBy(() -> c.labels("GET"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label values: [GET] (expected: 2 values for [method, status])");
  }

  @Test
  void counter_neverGoesDown() {
    Counter c = registry.counter("up_total", "Up.");
    assertThatThrownBy(() -> c.add(-1)).hasMessage("n: -1 (expected: >= 0)");
    assertThat(c.value()).isZero();
  }
}
