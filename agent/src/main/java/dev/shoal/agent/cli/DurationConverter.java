package dev.shoal.agent.cli;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.ConfigValues;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts flag values such as {@code 30s} or {@code 5m} with the config file's rules. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration duration = ConfigValues.parseDuration("duration", value);
      if (duration.isZero()) {
        throw new TypeConversionException(ConfigValues.quote(value) + " (expected: > 0)");
      }
      return duration;
    } catch (ConfigException e) {
      // picocli prefixes the option name; drop the generic key.
      throw new TypeConversionException(e.getMessage().substring("duration: ".length()));
    }
  }
}
