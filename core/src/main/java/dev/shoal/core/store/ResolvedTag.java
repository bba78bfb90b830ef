package dev.shoal.core.store;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import java.time.Instant;

/**
 * What a tag pointed to when it was last resolved at its registry.
 *
 * @param digest the manifest's digest
 * @param mediaType the manifest's media type
 * @param size the manifest's size in bytes
 * @param resolved when the registry said so
 */
public record ResolvedTag(Digest digest, String mediaType, long size, Instant resolved) {
  public ResolvedTag {
    requireNonNull(digest, "digest");
    requireNonNull(mediaType, "mediaType");
    requireNonNull(resolved, "resolved");
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
  }
}
