package dev.shoal.core.registry;

import java.util.List;

/** The registry answered a request for part of a blob with the whole of it (200, not 206). */
public final class RangesUnsupportedException extends RegistryException {
  public RangesUnsupportedException(String message) {
    super(message, 200, List.of());
  }
}
