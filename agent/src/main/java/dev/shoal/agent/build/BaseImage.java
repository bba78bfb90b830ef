package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageConfig;
import dev.shoal.core.oci.ImageIndex;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.Manifests;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.oci.ParsedManifest;
import dev.shoal.core.oci.Platform;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.registry.FetchedManifest;
import dev.shoal.core.registry.NotFoundException;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a build starts from: the base image's config (as JSON, to be extended) and its layers, which
 * stay in the base's registry; or nothing at all ({@code scratch}).
 */
public record BaseImage(String name, ObjectNode config, List<ImageBlob> layers) {
  static final ObjectMapper JSON = new ObjectMapper();

  public BaseImage {
    requireNonNull(name, "name");
    config = config.deepCopy();
    layers = List.copyOf(layers);
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** An empty image for {@code platform}: no layers, no settings. */
  public static BaseImage scratch(Platform platform) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", platform.architecture());
    config.put("os", platform.os());
    if (platform.variant() != null) {
      config.put("variant", platform.variant());
    }
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids");
    return new BaseImage("scratch", config, List.of());
  }

  /**
   * Reads {@code ref}'s manifest and config from {@code client} (an index is resolved to {@code
   * platform}); the layers are not downloaded.
   *
   * @throws NotFoundException when the registry has no such image
   */
  public static BaseImage pull(ImageReference ref, RegistryClient client, Platform platform)
      throws IOException {
    String repo = ref.repository();
    FetchedManifest fetched = client.manifest(repo, ref.pullTarget(), List.of());
    ParsedManifest parsed = Manifests.parse(fetched.bytes(), fetched.contentType());
    if (parsed instanceof ImageIndex index) {
      Descriptor chosen = choose(ref, index, platform);
      fetched = client.manifest(repo, chosen.digest().toString(), List.of());
      parsed = Manifests.parse(fetched.bytes(), fetched.contentType());
    }
    if (!(parsed instanceof ImageManifest manifest)) {
      throw new IOException(
          "--from " + ref.familiar() + ": an index inside an index (expected: an image)");
    }
    Descriptor configDescriptor = manifest.config();
    byte[] configBytes;
    try (InputStream in =
        client.openVerifiedBlob(repo, configDescriptor.digest(), configDescriptor.size())) {
      configBytes = in.readAllBytes();
    }
    ImageConfig.parse(configBytes); // refuses a config the runtime could not use
    ImageBlob.Remote remote = new ImageBlob.Remote(ref.registry(), repo, client);
    List<ImageBlob> layers = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      layers.add(ImageBlob.remote(asOci(layer), remote));
    }
    return new BaseImage(ref.familiar(), (ObjectNode) JSON.readTree(configBytes), layers);
  }

  private static Descriptor choose(ImageReference ref, ImageIndex index, Platform want)
      throws IOException {
    for (Descriptor d : index.manifests()) {
      Platform p = d.platform();
      if (p != null
          && p.os().equals(want.os())
          && p.architecture().equals(want.architecture())
          && (want.variant() == null || want.variant().equals(p.variant()))) {
        return d;
      }
    }
    String has =
        index.manifests().stream()
            .map(d -> d.platform() == null ? "?" : d.platform().toString())
            .collect(Collectors.joining(", "));
    throw new IOException(
        "--from "
            + ref.familiar()
            + " has no image for "
            + want
            + " (it has: "
            + has
            + "; pick one with --platform)");
  }

  /**
   * The descriptor with the OCI media type of the same bytes: an OCI manifest names its layers in
   * OCI terms ({@code tar+gzip} for Docker's {@code rootfs.diff.tar.gzip}).
   */
  private static Descriptor asOci(Descriptor d) {
    String type = MediaTypes.essence(d.mediaType());
    String oci =
        switch (type) {
          case MediaTypes.DOCKER_LAYER_GZIP -> MediaTypes.OCI_LAYER_TAR_GZIP;
          case MediaTypes.DOCKER_FOREIGN_LAYER_GZIP ->
              MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP;
          default -> d.mediaType();
        };
    return new Descriptor(oci, d.digest(), d.size(), d.urls(), d.annotations(), null, null);
  }
}
