package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.util.List;

/** A manifest references blobs or manifests the repository does not hold. */
public final class MissingReferenceException extends IOException {
  private final List<Digest> missing;

  public MissingReferenceException(String repository, List<Digest> missing) {
    super("repository " + repository + " does not hold " + missing);
    this.missing = List.copyOf(missing);
  }

  public List<Digest> missing() {
    return missing;
  }
}
