package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The fields {@link ImageManifest.Builder} and {@link ImageIndex.Builder} both collect ({@code
 * mediaType}, {@code artifactType}, {@code subject}, {@code annotations}), and the JSON around the
 * builder's own fields.
 */
final class HeaderFields {
  private final String ociType;
  private final String dockerType;
  private final Predicate<String> isKind;
  private String mediaType;
  private String artifactType;
  private Descriptor subject;
  private final Map<String, String> annotations = new LinkedHashMap<>();

  /**
   * @param ociType the OCI media type of the kind, the default
   * @param dockerType the Docker media type of the kind
   * @param isKind whether a media type is one of the kind's
   */
  HeaderFields(String ociType, String dockerType, Predicate<String> isKind) {
    this.ociType = ociType;
    this.dockerType = dockerType;
    this.isKind = isKind;
    this.mediaType = ociType;
  }

  void mediaType(String mediaType) {
    requireNonNull(mediaType, "mediaType");
    if (!isKind.test(mediaType)) {
      throw new IllegalArgumentException(
          "mediaType: "
              + Json.quote(mediaType)
              + " (expected: "
              + ociType
              + " or "
              + dockerType
              + ")");
    }
    this.mediaType = mediaType;
  }

  void artifactType(String artifactType) {
    this.artifactType = requireNonNull(artifactType, "artifactType");
  }

  void subject(Descriptor subject) {
    this.subject = requireNonNull(subject, "subject");
  }

  void annotation(String key, String value) {
    annotations.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
  }

  /** A document with {@code schemaVersion} and {@code mediaType}; the builder adds its fields. */
  ObjectNode start() {
    ObjectNode root = Json.object();
    root.put("schemaVersion", 2);
    root.put("mediaType", mediaType);
    return root;
  }

  /**
   * Adds the optional fields that are set, then reads the canonical JSON back like any document.
   *
   * @throws InvalidManifestException when the result is not valid (e.g. over 4 MiB)
   */
  ParsedManifest finish(ObjectNode root) {
    if (artifactType != null) {
      root.put("artifactType", artifactType);
    }
    if (subject != null) {
      root.set("subject", subject.toJson());
    }
    if (!annotations.isEmpty()) {
      root.set("annotations", Json.strings(annotations));
    }
    return Manifests.parse(Json.canonicalBytes(root), null);
  }
}
