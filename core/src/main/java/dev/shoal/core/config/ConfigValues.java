package dev.shoal.core.config;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value types of config files and flags: sizes, durations, URLs. */
public final class ConfigValues {
  static final String SIZE = "a size such as 10GiB, 500MB or 1048576";
  static final String DURATION = "a duration such as 30s, 5m, 1h30m or 250ms";
  public static final String HTTP_URL = "an http:// or https:// URL";

  private static final Pattern SIZE_PATTERN =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
  private static final Map<String, Long> SIZE_UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("kb", 1_000L),
          Map.entry("mb", 1_000_000L),
          Map.entry("gb", 1_000_000_000L),
          Map.entry("tb", 1_000_000_000_000L),
          Map.entry("kib", 1L << 10),
          Map.entry("mib", 1L << 20),
          Map.entry("gib", 1L << 30),
          Map.entry("tib", 1L << 40));
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

  private ConfigValues() {}

  /**
   * A byte count: a plain number of bytes, or a number with a unit. Units are decimal ({@code KB,
   * MB, GB, TB}: powers of 1000) or binary ({@code KiB, MiB, GiB, TiB}: powers of 1024), in any
   * letter case. Fractions ({@code 1.5GiB}) are rounded down to whole bytes.
   */
  public static long parseSize(String key, String text) throws ConfigException {
    Matcher m = SIZE_PATTERN.matcher(text.strip());
    Long unit = m.matches() ? SIZE_UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
    if (unit == null) {
      throw ConfigException.invalid(key, quote(text), SIZE);
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw ConfigException.invalid(key, quote(text), "a size below 8EiB");
    }
    return bytes.longValue();
  }

  /**
   * A duration: one or more number-unit pairs ({@code 1h30m}); units {@code ms, s, m, h, d}. A bare
   * {@code 0} means zero.
   */
  public static Duration parseDuration(String key, String text) throws ConfigException {
    String s = text.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION_PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    try {
      while (end < s.length() && m.find(end) && m.start() == end) {
        long amount = Long.parseLong(m.group(1));
        total = total.plus(unitDuration(m.group(2)).multipliedBy(amount));
        end = m.end();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw ConfigException.invalid(key, quote(text), "a shorter duration");
    }
    if (s.isEmpty() || end != s.length()) {
      throw ConfigException.invalid(key, quote(text), DURATION);
    }
    return total;
  }

  /**
   * {@code d} as a config file would write it, largest units first: {@code 1h30m}, {@code 250ms},
   * {@code 0}. {@link #parseDuration} reads it back; a negative duration gets a leading {@code -},
   * and what is below a millisecond is left out.
   */
  public static String formatDuration(Duration d) {
    long ms = Math.abs(d.toMillis());
    if (ms == 0) {
      return "0";
    }
    StringBuilder b = new StringBuilder(d.isNegative() ? "-" : "");
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms >= sizes[i]) {
        b.append(ms / sizes[i]).append(units[i]);
        ms %= sizes[i];
      }
    }
    return b.toString();
  }

  private static Duration unitDuration(String unit) {
    switch (unit) {
      case "ms":
        return Duration.ofMillis(1);
      case "s":
        return Duration.ofSeconds(1);
      case "m":
        return Duration.ofMinutes(1);
      case "h":
        return Duration.ofHours(1);
      case "d":
        return Duration.ofDays(1);
      default:
        throw new IllegalArgumentException("unit: " + unit);
    }
  }

  /**
   * An absolute {@code http} or {@code https} URL with a host and no query or fragment. A trailing
   * slash is removed so that paths can be appended.
   */
  public static URI parseHttpUrl(String key, String text) throws ConfigException {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw ConfigException.invalid(key, quote(text), HTTP_URL);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw ConfigException.invalid(key, quote(text), HTTP_URL + " without query or credentials");
    }
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  /** {@code text} in double quotes, with quotes, backslashes and control characters escaped. */
  public static String quote(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
