package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the store knows about one blob.
 *
 * @param pieceCount number of pieces of a partial blob (0 for a blob written whole)
 * @param piecesHeld how many of them are on disk
 * @param holders users that keep the blob from eviction, such as {@code container:<id>}
 * @param quarantine why the blob must not be served, when it is quarantined
 */
public record BlobInfo(
    Digest digest,
    long size,
    String mediaType,
    BlobState state,
    Instant created,
    Instant lastAccess,
    Set<String> pins,
    Set<String> holders,
    int pieceCount,
    int piecesHeld,
    Optional<String> quarantine) {

  public boolean complete() {
    return state == BlobState.COMPLETE;
  }

  /** Whether eviction may remove it: not pinned and not used by anyone. */
  public boolean evictable() {
    return pins.isEmpty() && holders.isEmpty();
  }
}
