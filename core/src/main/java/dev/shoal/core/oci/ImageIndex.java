package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Json.Where;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image index: manifests for several platforms (image spec "Image Index", image-index.md; also
 * the Docker manifest list). Kept with the exact bytes it was read from.
 *
 * <p>A class rather than a record so that nobody can pair fields with bytes they did not come from.
 */
public final class ImageIndex implements ParsedManifest {
  private final byte[] raw;
  private final Digest digest;
  private final String mediaType;
  private final String artifactType;
  private final List<Descriptor> manifests;
  private final Descriptor subject;
  private final Map<String, String> annotations;

  private ImageIndex(
      byte[] raw,
      String mediaType,
      String artifactType,
      List<Descriptor> manifests,
      Descriptor subject,
      Map<String, String> annotations) {
    this.raw = raw;
    this.digest = Digest.sha256Of(raw);
    this.mediaType = mediaType;
    this.artifactType = artifactType;
    this.manifests = List.copyOf(manifests);
    this.subject = subject;
    this.annotations = annotations;
  }

  /** Parses an image index; an image manifest is refused. See {@link Manifests#parse}. */
  public static ImageIndex parse(byte[] raw, String contentTypeOrNull) {
    ParsedManifest m = Manifests.parse(raw, contentTypeOrNull);
    if (m instanceof ImageIndex index) {
      return index;
    }
    throw new InvalidManifestException(
        "manifest: is an image manifest "
            + Json.quote(m.mediaType())
            + " (expected: an image index)");
  }

  /** Parses an image index that came without a Content-Type. */
  public static ImageIndex parse(byte[] raw) {
    return parse(raw, null);
  }

  /** An OCI image index of {@code manifests}, as canonical JSON. */
  public static ImageIndex of(List<Descriptor> manifests) {
    return builder().manifests(manifests).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  static ImageIndex fromJson(byte[] raw, ObjectNode root, String mediaType) {
    Where where = Where.of("index");
    List<ObjectNode> nodes = Json.optObjects(root, "manifests", where);
    if (nodes == null) {
      throw where.field("manifests").missing("an array of manifest descriptors");
    }
    List<Descriptor> manifests = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      manifests.add(Descriptor.fromJson(nodes.get(i), where.field("manifests").index(i)));
    }
    return new ImageIndex(
        raw,
        mediaType,
        Manifests.artifactType(root, where),
        manifests,
        Manifests.subject(root, where),
        Json.stringMap(root, "annotations", where));
  }

  @Override
  public String mediaType() {
    return mediaType;
  }

  @Override
  public String artifactType() {
    return artifactType;
  }

  /** The manifests, in document order. */
  public List<Descriptor> manifests() {
    return manifests;
  }

  @Override
  public Descriptor subject() {
    return subject;
  }

  @Override
  public Map<String, String> annotations() {
    return annotations;
  }

  @Override
  public List<Descriptor> references() {
    return manifests;
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  @Override
  public ByteBuffer rawBuffer() {
    return ByteBuffer.wrap(raw).asReadOnlyBuffer();
  }

  @Override
  public Digest digest() {
    return digest;
  }

  @Override
  public long size() {
    return raw.length;
  }

  /** Equal when both have the same bytes and media type. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ImageIndex other
        && mediaType.equals(other.mediaType)
        && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ImageIndex[" + digest + ", " + mediaType + ", " + manifests.size() + " manifests]";
  }

  /** Builds an image index as canonical JSON; {@link #build()} validates it like a parse. */
  public static final class Builder {
    private String mediaType = MediaTypes.OCI_INDEX;
    private String artifactType;
    private final List<Descriptor> manifests = new ArrayList<>();
    private Descriptor subject;
    private final Map<String, String> annotations = new LinkedHashMap<>();

    private Builder() {}

    /** {@link MediaTypes#OCI_INDEX} (the default) or {@link MediaTypes#DOCKER_MANIFEST_LIST}. */
    public Builder mediaType(String mediaType) {
      requireNonNull(mediaType, "mediaType");
      if (!MediaTypes.isIndex(mediaType)) {
        throw new IllegalArgumentException(
            "mediaType: "
                + Json.quote(mediaType)
                + " (expected: "
                + MediaTypes.OCI_INDEX
                + " or "
                + MediaTypes.DOCKER_MANIFEST_LIST
                + ")");
      }
      this.mediaType = mediaType;
      return this;
    }

    public Builder artifactType(String artifactType) {
      this.artifactType = requireNonNull(artifactType, "artifactType");
      return this;
    }

    /** Replaces the manifests. */
    public Builder manifests(List<Descriptor> manifests) {
      requireNonNull(manifests, "manifests");
      this.manifests.clear();
      manifests.forEach(this::addManifest);
      return this;
    }

    public Builder addManifest(Descriptor manifest) {
      manifests.add(requireNonNull(manifest, "manifest"));
      return this;
    }

    public Builder subject(Descriptor subject) {
      this.subject = requireNonNull(subject, "subject");
      return this;
    }

    public Builder annotation(String key, String value) {
      annotations.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * @throws InvalidManifestException when the result is not a valid index (e.g. over 4 MiB)
     */
    public ImageIndex build() {
      ObjectNode root = Json.object();
      root.put("schemaVersion", 2);
      root.put("mediaType", mediaType);
      ArrayNode array = root.putArray("manifests");
      manifests.forEach(m -> array.add(m.toJson()));
      Manifests.putOptional(root, artifactType, subject, annotations);
      return (ImageIndex) Manifests.parse(Json.canonicalBytes(root), null);
    }
  }
}
