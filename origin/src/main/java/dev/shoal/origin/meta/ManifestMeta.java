package dev.shoal.origin.meta;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import java.util.List;
import java.util.Map;

/**
 * A stored manifest's metadata, as the registry needs it without reading the manifest bytes.
 *
 * @param references blobs (config, layers) and child manifests (of an index) it points at
 * @param subject the manifest it refers to (OCI 1.1), or null
 * @param artifactType its artifact type (or its config's media type for images), or null
 * @param annotations its annotations, for the referrers list
 */
public record ManifestMeta(
    Digest digest,
    String mediaType,
    long size,
    List<Digest> references,
    Digest subject,
    String artifactType,
    Map<String, String> annotations,
    long pushedMillis) {

  public ManifestMeta {
    requireNonNull(digest, "digest");
    requireNonNull(mediaType, "mediaType");
    references = List.copyOf(references);
    annotations = Map.copyOf(annotations);
  }
}
