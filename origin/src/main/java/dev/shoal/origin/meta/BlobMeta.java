package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;
import java.util.List;

/**
 * What the origin knows about one blob across repositories.
 *
 * @param referenceCount how many (repository, manifest) pairs reference it; 0 means only uploaded
 *     or mounted, a candidate for garbage collection
 * @param repositories the repositories that link it
 */
public record BlobMeta(Digest digest, long size, long referenceCount, List<String> repositories) {
  public BlobMeta {
    repositories = List.copyOf(repositories);
  }
}
