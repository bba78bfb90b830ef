package dev.shoal.core.config;

import java.nio.file.Path;

/**
 * A configuration value (from a file or a flag) that cannot be used. The message is one line that
 * names the key, quotes the value and says what was expected: {@code mirror.listen: "nohost"
 * (expected: HOST:PORT)}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code key: value (expected: expected)}; {@code value} is shown as given (quote text first).
   */
  public static ConfigException invalid(String key, String value, String expected) {
    return new ConfigException(key + ": " + value + " (expected: " + expected + ")");
  }

  /** The same error, prefixed with the file it was found in. */
  public ConfigException inFile(Path file) {
    return new ConfigException(file + ": " + getMessage(), this);
  }
}
