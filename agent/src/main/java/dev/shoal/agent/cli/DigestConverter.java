package dev.shoal.agent.cli;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a {@code sha256:…} argument, with the message {@link Digest#parse} gives. */
final class DigestConverter implements ITypeConverter<Digest> {
  private static final String PREFIX = "digest: ";

  @Override
  public Digest convert(String value) {
    try {
      return Digest.parse(value);
    } catch (InvalidDigestException e) {
      String m = e.getMessage();
      // picocli names the parameter; drop the generic one.
      throw new TypeConversionException(m.startsWith(PREFIX) ? m.substring(PREFIX.length()) : m);
    }
  }
}
