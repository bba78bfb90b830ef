package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageConfig;
import java.util.List;

/**
 * An image pulled into the agent's store: every blob complete and verified.
 *
 * @param manifestDigest the digest of the image manifest for this host (the index's child, for an
 *     index)
 * @param blobs every blob the image uses: its manifest(s), config and layers
 * @param layers the layer descriptors, lowest first, paired by position with {@code
 *     config.diffIds()}
 */
record PulledImage(
    String image,
    Digest manifestDigest,
    ImageConfig config,
    List<Digest> blobs,
    List<Descriptor> layers) {
  PulledImage {
    requireNonNull(image, "image");
    requireNonNull(manifestDigest, "manifestDigest");
    requireNonNull(config, "config");
    blobs = List.copyOf(blobs);
    layers = List.copyOf(layers);
    if (layers.size() != config.diffIds().size()) {
      throw new IllegalArgumentException(
          "image "
              + image
              + " has "
              + layers.size()
              + " layers but its config lists "
              + config.diffIds().size()
              + " diff ids (expected: one per layer)");
    }
  }
}
