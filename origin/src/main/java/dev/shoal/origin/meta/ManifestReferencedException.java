package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.util.List;

/** A manifest cannot be deleted: manifests of its repository (an image index) reference it. */
public final class ManifestReferencedException extends IOException {
  private final List<Digest> referencedBy;

  public ManifestReferencedException(String repository, Digest manifest, List<Digest> by) {
    super("manifest " + repository + "@" + manifest + " is referenced by " + by);
    this.referencedBy = List.copyOf(by);
  }

  /** The manifests of the same repository that reference it. */
  public List<Digest> referencedBy() {
    return referencedBy;
  }
}
