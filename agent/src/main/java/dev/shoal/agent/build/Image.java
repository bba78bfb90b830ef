package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import java.util.List;

/**
 * An image ready to be written or pushed: its manifest (byte-exact), its config bytes and its
 * layers, bottom first, with where each layer's bytes are.
 */
public record Image(ImageManifest manifest, byte[] config, List<ImageBlob> layers) {
  public Image {
    requireNonNull(manifest, "manifest");
    requireNonNull(config, "config");
    layers = List.copyOf(layers);
    config = config.clone();
    if (!Digest.sha256Of(config).equals(manifest.config().digest())) {
      throw new IllegalArgumentException("config: bytes do not match the manifest's config digest");
    }
  }

  /** The manifest of {@code config} and {@code layers}, as an OCI image manifest. */
  public static Image of(byte[] config, List<ImageBlob> layers) {
    ImageManifest manifest =
        ImageManifest.builder()
            .mediaType(MediaTypes.OCI_MANIFEST)
            .config(Descriptor.of(MediaTypes.OCI_CONFIG, config))
            .layers(layers.stream().map(ImageBlob::descriptor).toList())
            .build();
    return new Image(manifest, config, layers);
  }

  public Digest digest() {
    return manifest.digest();
  }

  @Override
  public byte[] config() {
    return config.clone();
  }

  /** The layers' sizes added up. */
  public long layerBytes() {
    return layers.stream().mapToLong(l -> l.descriptor().size()).sum();
  }
}
