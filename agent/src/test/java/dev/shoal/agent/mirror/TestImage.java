package dev.shoal.agent.mirror;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageIndex;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.oci.Platform;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.Blobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image pushed to a registry for the mirror's tests: random layers, a config and a manifest
 * under {@code tag}, and an index of that manifest under {@code indexTag}.
 */
record TestImage(
    String repo,
    String tag,
    String indexTag,
    ImageManifest manifest,
    ImageIndex index,
    Map<Digest, byte[]> blobs) {

  /** Pushes an image of layers of {@code layerSizes} bytes (contents from {@code seed}). */
  static TestImage push(
      RegistryClient client, String repo, String tag, long seed, int... layerSizes)
      throws IOException {
    Map<Digest, byte[]> blobs = new LinkedHashMap<>();
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"shoal-test-seed\":" + seed + "}")
            .getBytes(StandardCharsets.UTF_8);
    blobs.put(Digest.sha256Of(config), config);
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < layerSizes.length; i++) {
      byte[] layer = Blobs.random(seed * 1000 + i, layerSizes[i]);
      blobs.put(Digest.sha256Of(layer), layer);
      layers.add(Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer));
    }
    for (Map.Entry<Digest, byte[]> b : blobs.entrySet()) {
      client.pushBlob(repo, b.getKey(), b.getValue());
    }
    ImageManifest manifest = ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), layers);
    client.putManifest(repo, tag, manifest.raw(), MediaTypes.OCI_MANIFEST);
    ImageIndex index =
        ImageIndex.of(
            List.of(
                Descriptor.of(MediaTypes.OCI_MANIFEST, manifest.digest(), manifest.size())
                    .withPlatform(Platform.of("linux", "amd64"))));
    String indexTag = tag + "-index";
    client.putManifest(repo, indexTag, index.raw(), MediaTypes.OCI_INDEX);
    return new TestImage(repo, tag, indexTag, manifest, index, Map.copyOf(blobs));
  }

  Digest configDigest() {
    return manifest.config().digest();
  }

  List<Digest> layerDigests() {
    return manifest.layers().stream().map(Descriptor::digest).toList();
  }

  /** The config, then the layers. */
  List<Digest> blobDigests() {
    List<Digest> out = new ArrayList<>();
    out.add(configDigest());
    out.addAll(layerDigests());
    return out;
  }

  byte[] blob(Digest digest) {
    return blobs.get(digest).clone();
  }

  long totalBlobBytes() {
    return blobs.values().stream().mapToLong(b -> b.length).sum();
  }

  String manifestPath(String reference) {
    return "/v2/" + repo + "/manifests/" + reference;
  }

  String blobPath(Digest digest) {
    return "/v2/" + repo + "/blobs/" + digest;
  }
}
