package dev.shoal.agent.unpack;

import java.io.IOException;

/**
 * Inside the unpacker: an entry (or the archive, when {@code entry} is null) that is refused; the
 * caller that knows the layer's diff id turns it into a {@link LayerRejectedException}.
 */
final class BadEntryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String entry;

  BadEntryException(String entry, String reason) {
    super(reason);
    this.entry = entry;
  }

  /** The entry's name as written in the archive; null for the archive as a whole. */
  String entry() {
    return entry;
  }
}
