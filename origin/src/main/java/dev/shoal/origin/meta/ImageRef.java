package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;
import java.util.List;

/** A manifest in a repository, with the tags that point at it. */
public record ImageRef(String repository, Digest manifest, List<String> tags) {
  public ImageRef {
    tags = List.copyOf(tags);
  }
}
