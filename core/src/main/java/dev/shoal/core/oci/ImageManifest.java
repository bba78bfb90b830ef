package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.oci.Json.Where;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image manifest: a config and ordered layers (image spec "Image Manifest", manifest.md; also
 * Docker Image Manifest V2, Schema 2). Kept with the exact bytes it was read from.
 *
 * <p>A class rather than a record so that nobody can pair fields with bytes they did not come from.
 */
public final class ImageManifest extends ManifestDocument implements ParsedManifest {
  private final Descriptor config;
  private final List<Descriptor> layers;

  private ImageManifest(
      byte[] raw,
      ObjectNode root,
      String mediaType,
      Where where,
      Descriptor config,
      List<Descriptor> layers) {
    super(raw, root, mediaType, where);
    this.config = config;
    this.layers = layers;
  }

  /** Parses an image manifest; an index is refused. See {@link Manifests#parse}. */
  public static ImageManifest parse(byte[] raw, String contentTypeOrNull) {
    ParsedManifest m = Manifests.parse(raw, contentTypeOrNull);
    if (m instanceof ImageManifest manifest) {
      return manifest;
    }
    throw new InvalidManifestException(
        "manifest: is an image index "
            + Json.quote(m.mediaType())
            + " (expected: an image manifest; pick one of the index's manifests)");
  }

  /** Parses an image manifest that came without a Content-Type. */
  public static ImageManifest parse(byte[] raw) {
    return parse(raw, null);
  }

  /** An OCI image manifest of {@code config} and {@code layers}, as canonical JSON. */
  public static ImageManifest of(Descriptor config, List<Descriptor> layers) {
    return builder().config(config).layers(layers).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  static ImageManifest fromJson(byte[] raw, ObjectNode root, String mediaType) {
    Where where = Where.of("manifest");
    Descriptor config =
        Descriptor.fromJson(
            Json.reqObject(root, "config", where, "a descriptor of the image config"),
            where.field("config"));
    List<Descriptor> layers = descriptors(root, "layers", where, "an array of layer descriptors");
    return new ImageManifest(raw, root, mediaType, where, config, layers);
  }

  /** The image config blob (or, for an artifact, its config). */
  public Descriptor config() {
    return config;
  }

  /** The layers, base first. */
  public List<Descriptor> layers() {
    return layers;
  }

  // Declared here, not only inherited, so that the public signature keeps its type arguments:
  // javac's bridge for a public method inherited from a package-private class is erased.
  @Override
  public Map<String, String> annotations() {
    return super.annotations();
  }

  @Override
  public List<Descriptor> references() {
    List<Descriptor> all = new ArrayList<>(layers.size() + 1);
    all.add(config);
    all.addAll(layers);
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return "ImageManifest[" + digest() + ", " + mediaType() + ", " + layers.size() + " layers]";
  }

  /** Builds an image manifest as canonical JSON; {@link #build()} validates it like a parse. */
  public static final class Builder {
    private final HeaderFields header =
        new HeaderFields(
            MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST, MediaTypes::isManifest);
    private Descriptor config;
    private final List<Descriptor> layers = new ArrayList<>();

    private Builder() {}

    /** {@link MediaTypes#OCI_MANIFEST} (the default) or {@link MediaTypes#DOCKER_MANIFEST}. */
    public Builder mediaType(String mediaType) {
      header.mediaType(mediaType);
      return this;
    }

    public Builder artifactType(String artifactType) {
      header.artifactType(artifactType);
      return this;
    }

    public Builder config(Descriptor config) {
      this.config = requireNonNull(config, "config");
      return this;
    }

    /** Replaces the layers. */
    public Builder layers(List<Descriptor> layers) {
      requireNonNull(layers, "layers");
      this.layers.clear();
      layers.forEach(this::addLayer);
      return this;
    }

    public Builder addLayer(Descriptor layer) {
      layers.add(requireNonNull(layer, "layer"));
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
     * @throws InvalidManifestException when the result is not a valid manifest (e.g. over 4 MiB)
     */
    public ImageManifest build() {
      if (config == null) {
        throw new IllegalStateException("config: not set (expected: a descriptor of the config)");
      }
      ObjectNode root = header.start();
      root.set("config", config.toJson());
      ArrayNode layerArray = root.putArray("layers");
      layers.forEach(l -> layerArray.add(l.toJson()));
      return (ImageManifest) header.finish(root);
    }
  }
}
