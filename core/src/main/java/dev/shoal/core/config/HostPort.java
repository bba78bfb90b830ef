package dev.shoal.core.config;

import static java.util.Objects.requireNonNull;

/**
 * A listen address, {@code HOST:PORT}; an IPv6 host is written in brackets ({@code [::1]:5050}).
 * Port 0 asks the operating system for a free port.
 */
public record HostPort(String host, int port) {
  private static final String EXPECTED = "HOST:PORT";

  public HostPort {
    requireNonNull(host, "host");
    if (host.isEmpty() || host.contains("[") || host.contains("]")) {
      throw new IllegalArgumentException(
          "host: " + ConfigValues.quote(host) + " (expected: a host name or IP address)");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
    }
  }

  /** Parses {@code HOST:PORT}; an error names {@code key}, e.g. {@code mirror.listen}. */
  public static HostPort parse(String key, String text) throws ConfigException {
    requireNonNull(text, "text");
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf("]:");
      if (close < 0) {
        throw ConfigException.invalid(key, ConfigValues.quote(text), "[IPV6]:PORT");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        throw ConfigException.invalid(key, ConfigValues.quote(text), EXPECTED);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (host.isEmpty() || !port.matches("[0-9]{1,5}")) {
      throw ConfigException.invalid(key, ConfigValues.quote(text), EXPECTED);
    }
    int number = Integer.parseInt(port);
    if (number > 65_535) {
      throw ConfigException.invalid(
          key, ConfigValues.quote(text), EXPECTED + " with PORT 0 to 65535");
    }
    return new HostPort(host, number);
  }

  /** Parses a comma-separated list of {@code HOST:PORT}; blanks around commas are ignored. */
  public static java.util.List<HostPort> parseList(String key, String text) throws ConfigException {
    requireNonNull(text, "text");
    java.util.List<HostPort> out = new java.util.ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(key, part.strip()));
      }
    }
    return java.util.List.copyOf(out);
  }

  /** The host as it appears in a URL: IPv6 addresses in brackets. */
  public String urlHost() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return urlHost() + ":" + port;
  }
}
