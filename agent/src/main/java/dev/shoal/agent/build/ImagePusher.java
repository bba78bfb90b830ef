package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * Pushes an image to a repository, uploading only the blobs the registry lacks (mission S2): a
 * layer the repository holds is skipped, a base layer of another repository of the same registry is
 * mounted, any other layer is uploaded (a base's streamed from its registry). The manifest goes
 * last, so a tag never names an image with missing blobs.
 */
public final class ImagePusher {
  private final RegistryClient client;
  private final String registry;

  /**
   * @param client a client of the target registry
   * @param registry the target's {@code host[:port]} as image references name it, to recognise base
   *     layers that can be mounted
   */
  public ImagePusher(RegistryClient client, String registry) {
    this.client = requireNonNull(client, "client");
    this.registry = requireNonNull(registry, "registry");
  }

  public PushReport push(Image image, String repo, String tag) throws IOException {
    int pushed = 0;
    int mounted = 0;
    long bytes = 0;
    for (ImageBlob layer : image.layers()) {
      switch (send(layer, repo)) {
        case PRESENT -> {}
        case MOUNTED -> mounted++;
        case UPLOADED -> {
          pushed++;
          bytes += layer.descriptor().size();
        }
      }
    }
    Descriptor config = image.manifest().config();
    if (client.blobExists(repo, config.digest()).isEmpty()) {
      client.pushBlob(repo, config.digest(), image.config());
    }
    Digest confirmed =
        client.putManifest(repo, tag, image.manifest().raw(), MediaTypes.OCI_MANIFEST);
    if (!confirmed.equals(image.digest())) {
      throw new IOException(
          "the registry stored the manifest as "
              + confirmed
              + " (expected: "
              + image.digest()
              + ")");
    }
    return new PushReport(image.digest(), image.layers().size(), pushed, bytes, mounted);
  }

  private enum Outcome {
    PRESENT,
    MOUNTED,
    UPLOADED
  }

  private Outcome send(ImageBlob layer, String repo) throws IOException {
    Descriptor d = layer.descriptor();
    if (MediaTypes.isNondistributableLayer(d.mediaType())) {
      return Outcome.PRESENT; // fetched from its URLs, never stored by registries
    }
    OptionalLong size = client.blobExists(repo, d.digest());
    if (size.isPresent()) {
      return Outcome.PRESENT;
    }
    ImageBlob.Remote from = layer.remote();
    if (from != null
        && from.registry().equals(registry)
        && client.mountBlob(repo, d.digest(), from.repository())) {
      return Outcome.MOUNTED;
    }
    try (InputStream in = layer.open()) {
      client.pushBlob(repo, d.digest(), d.size(), in);
    }
    return Outcome.UPLOADED;
  }
}
