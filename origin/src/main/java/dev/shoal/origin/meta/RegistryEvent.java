package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;

/**
 * One entry of the event log agents follow.
 *
 * @param cursor position in the log, increasing by one per event, starting at 1
 * @param tag the tag pushed or deleted, or null
 */
public record RegistryEvent(
    long cursor, Type type, String repository, Digest digest, String tag, long atMillis) {

  /** What happened. */
  public enum Type {
    PUSHED,
    DELETED
  }
}
