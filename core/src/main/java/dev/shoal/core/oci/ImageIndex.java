package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.oci.Json.Where;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image index: manifests for several platforms (image spec "Image Index", image-index.md; also
 * the Docker manifest list). Kept with the exact bytes it was read from.
 *
 * <p>A class rather than a record so that nobody can pair fields with bytes they did not come from.
 */
public final class ImageIndex extends ManifestDocument implements ParsedManifest {
  private final List<Descriptor> manifests;

  private ImageIndex(
      byte[] raw, ObjectNode root, String mediaType, Where where, List<Descriptor> manifests) {
    super(raw, root, mediaType, where);
    this.manifests = manifests;
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
    List<Descriptor> manifests =
        descriptors(root, "manifests", where, "an array of manifest descriptors");
    return new ImageIndex(raw, root, mediaType, where, manifests);
  }

  /** The manifests, in document order. */
  public List<Descriptor> manifests() {
    return manifests;
  }

  // Declared here, not only inherited, so that the public signature keeps its type arguments:
  // javac's bridge for a public method inherited from a package-private class is erased.
  @Override
  public Map<String, String> annotations() {
    return super.annotations();
  }

  @Override
  public List<Descriptor> references() {
    return manifests;
  }

  @Override
  public String toString() {
    return "ImageIndex[" + digest() + ", " + mediaType() + ", " + manifests.size() + " manifests]";
  }

  /** Builds an image index as canonical JSON; {@link #build()} validates it like a parse. */
  public static final class Builder {
    private final HeaderFields header =
        new HeaderFields(
            MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes::isIndex);
    private final List<Descriptor> manifests = new ArrayList<>();

    private Builder() {}

    /** {@link MediaTypes#OCI_INDEX} (the default) or {@link MediaTypes#DOCKER_MANIFEST_LIST}. */
    public Builder mediaType(String mediaType) {
      header.mediaType(mediaType);
      return this;
    }

    public Builder artifactType(String artifactType) {
      header.artifactType(artifactType);
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
      header.subject(subject);
      return this;
    }

    public Builder annotation(String key, String value) {
      header.annotation(key, value);
      return this;
    }

    /**
     * @throws InvalidManifestException when the result is not a valid index (e.g. over 4 MiB)
     */
    public ImageIndex build() {
      ObjectNode root = header.start();
      ArrayNode array = root.putArray("manifests");
      manifests.forEach(m -> array.add(m.toJson()));
      return (ImageIndex) header.finish(root);
    }
  }
}
