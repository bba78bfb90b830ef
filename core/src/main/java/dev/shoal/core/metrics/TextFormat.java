package dev.shoal.core.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE} lines,
 * then one {@code name{label="value"} 42} line per sample, each ending in a line feed. Also the
 * rules for metric and label names.
 */
public final class TextFormat {
  /** The {@code Content-Type} of a scrape answer in this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private TextFormat() {}

  static String checkMetricName(String name) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name: " + name + " (expected: [a-zA-Z_:][a-zA-Z0-9_:]*)");
    }
    return name;
  }

  static String checkLabelName(String name) {
    // Names starting with "__" are reserved for Prometheus itself.
    if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
      throw new IllegalArgumentException(
          "label name: " + name + " (expected: [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
    }
    return name;
  }

  /** Writes the {@code # HELP} and {@code # TYPE} lines of a metric family. */
  static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ');
    escape(out, help, false);
    out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Writes one sample line; {@code labels} is empty or a rendered {@code {a="b"}} set. */
  static void sample(StringBuilder out, String name, String labels, long value) {
    out.append(name).append(labels).append(' ').append(value).append('\n');
  }

  /** {@code {name1="value1",name2="value2"}}, values escaped. */
  static String labels(List<String> names, List<String> values) {
    StringBuilder b = new StringBuilder(16 * names.size()).append('{');
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(names.get(i)).append("=\"");
      escape(b, values.get(i), true);
      b.append('"');
    }
    return b.append('}').toString();
  }

  /**
   * Appends {@code text} with backslash and line feed escaped, and double quotes too in a label
   * value (in help text they stand as they are).
   */
  static void escape(StringBuilder out, String text, boolean labelValue) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '"' -> out.append(labelValue ? "\\\"" : "\"");
        default -> out.append(c);
      }
    }
  }
}
