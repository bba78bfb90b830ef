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
 * An image manifest: a config and ordered layers (image spec "Image Manifest", manifest.md; also
 * Docker Image Manifest V2, Schema 2). Kept with the exact bytes it was read from.
 *
 * <p>A class rather than a record so that nobody can pair fields with bytes they did not come from.
 */
public final class ImageManifest implements ParsedManifest {
  private final byte[] raw;
  private final Digest digest;
  private final String mediaType;
  private final String artifactType;
  private final Descriptor config;
  private final List<Descriptor> layers;
  private final Descriptor subject;
  private final Map<String, String> annotations;

  private ImageManifest(
      byte[] raw,
      String mediaType,
      String artifactType,
      Descriptor config,
      List<Descriptor> layers,
      Descriptor subject,
      Map<String, String> annotations) {
    this.raw = raw;
    this.digest = Digest.sha256Of(raw);
    this.mediaType = mediaType;
    this.artifactType = artifactType;
    this.config = config;
    this.layers = List.copyOf(layers);
    this.subject = subject;
    this.annotations = annotations;
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
    List<ObjectNode> layerNodes = Json.optObjects(root, "layers", where);
    if (layerNodes == null) {
      throw where.field("layers").missing("an array of layer descriptors");
    }
    List<Descriptor> layers = new ArrayList<>(layerNodes.size());
    for (int i = 0; i < layerNodes.size(); i++) {
      layers.add(Descriptor.fromJson(layerNodes.get(i), where.field("layers").index(i)));
    }
    return new ImageManifest(
        raw,
        mediaType,
        Manifests.artifactType(root, where),
        config,
        layers,
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

  /** The image config blob (or, for an artifact, its config). */
  public Descriptor config() {
    return config;
  }

  /** The layers, base first. */
  public List<Descriptor> layers() {
    return layers;
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
    List<Descriptor> all = new ArrayList<>(layers.size() + 1);
    all.add(config);
    all.addAll(layers);
    return List.copyOf(all);
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
    return o instanceof ImageManifest other
        && mediaType.equals(other.mediaType)
        && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ImageManifest[" + digest + ", " + mediaType + ", " + layers.size() + " layers]";
  }

  /** Builds an image manifest as canonical JSON; {@link #build()} validates it like a parse. */
  public static final class Builder {
    private String mediaType = MediaTypes.OCI_MANIFEST;
    private String artifactType;
    private Descriptor config;
    private final List<Descriptor> layers = new ArrayList<>();
    private Descriptor subject;
    private final Map<String, String> annotations = new LinkedHashMap<>();

    private Builder() {}

    /** {@link MediaTypes#OCI_MANIFEST} (the default) or {@link MediaTypes#DOCKER_MANIFEST}. */
    public Builder mediaType(String mediaType) {
      requireNonNull(mediaType, "mediaType");
      if (!MediaTypes.isManifest(mediaType)) {
        throw new IllegalArgumentException(
            "mediaType: "
                + Json.quote(mediaType)
                + " (expected: "
                + MediaTypes.OCI_MANIFEST
                + " or "
                + MediaTypes.DOCKER_MANIFEST
                + ")");
      }
      this.mediaType = mediaType;
      return this;
    }

    public Builder artifactType(String artifactType) {
      this.artifactType = requireNonNull(artifactType, "artifactType");
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
      this.subject = requireNonNull(subject, "subject");
      return this;
    }

    public Builder annotation(String key, String value) {
      annotations.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * @throws InvalidManifestException when the result is not a valid manifest (e.g. over 4 MiB)
     */
    public ImageManifest build() {
      if (config == null) {
        throw new IllegalStateException("config: not set (expected: a descriptor of the config)");
      }
      ObjectNode root = Json.object();
      root.put("schemaVersion", 2);
      root.put("mediaType", mediaType);
      root.set("config", config.toJson());
      ArrayNode layerArray = root.putArray("layers");
      layers.forEach(l -> layerArray.add(l.toJson()));
      Manifests.putOptional(root, artifactType, subject, annotations);
      return (ImageManifest) Manifests.parse(Json.canonicalBytes(root), null);
    }
  }
}
