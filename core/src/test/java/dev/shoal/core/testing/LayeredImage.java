package dev.shoal.core.testing;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageIndex;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.oci.Platform;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The test image of every module, built in memory: layers that are real gzip-compressed tars of
 * files and whiteouts (OCI image spec "Image Layer Filesystem Changeset"), or opaque random blobs
 * of an exact size for tests of registries and mirrors, which never look inside; a config whose
 * {@code rootfs.diff_ids} are the digests of the uncompressed layers (config "rootfs", layer
 * "DiffID"); the manifest; and an index of that manifest for this machine's platform. The same
 * input always gives the same bytes.
 *
 * <pre>{@code
 * LayeredImage image = LayeredImage.sample(7);
 * image.push(client, "demo/app", "v1");
 * }</pre>
 */
public final class LayeredImage {
  /**
   * One layer: the blob, the digest of its uncompressed form, the files it holds and the paths it
   * deletes from the layers below. An opaque layer holds no files.
   */
  public record Layer(
      Descriptor descriptor,
      Digest diffId,
      byte[] blob,
      Map<String, byte[]> files,
      Set<String> whiteouts) {
    public Layer {
      requireNonNull(descriptor, "descriptor");
      requireNonNull(diffId, "diffId");
      requireNonNull(blob, "blob");
      files = Map.copyOf(files);
      whiteouts = Set.copyOf(whiteouts);
    }
  }

  private final List<Layer> layers;
  private final byte[] config;
  private final Descriptor configDescriptor;
  private final ImageManifest manifest;
  private final ImageIndex index;

  private LayeredImage(List<Layer> layers, byte[] config) {
    this.layers = List.copyOf(layers);
    this.config = config;
    this.configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    this.manifest =
        ImageManifest.of(configDescriptor, layers.stream().map(Layer::descriptor).toList());
    this.index =
        ImageIndex.of(
            List.of(
                Descriptor.of(MediaTypes.OCI_MANIFEST, manifest.digest(), manifest.size())
                    .withPlatform(Platform.of("linux", goArch()))));
  }

  /**
   * Three layers, about 4 MiB compressed: a program and a text file, a data file that also replaces
   * the text file, and a second data file. Contents follow from {@code seed}.
   */
  public static LayeredImage sample(long seed) {
    return builder()
        .layer(
            Map.of(
                "bin/app", Blobs.random(seed, 1 << 20),
                "etc/shoal/release", utf8("layer 1 of " + seed)))
        .layer(
            Map.of(
                "data/a.bin", Blobs.random(seed + 1, 2 << 20),
                "etc/shoal/release", utf8("layer 2 of " + seed)))
        .layer(
            Map.of(
                "data/b.bin", Blobs.random(seed + 2, 1 << 20),
                "data/readme.txt", utf8("pulled through shoal\n")))
        .build();
  }

  /**
   * Opaque layers of exactly {@code layerSizes} bytes, bottom first, contents from {@code seed}:
   * for tests of what a registry or a mirror does with blobs of a given size.
   */
  public static LayeredImage random(long seed, int... layerSizes) {
    Builder b = builder();
    for (int i = 0; i < layerSizes.length; i++) {
      b.randomLayer(seed * 1000 + i, layerSizes[i]);
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bytes of {@code text} in UTF-8: file contents for {@link Builder#layer}. */
  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The layers, bottom first. */
  public List<Layer> layers() {
    return layers;
  }

  public byte[] config() {
    return config.clone();
  }

  public Descriptor configDescriptor() {
    return configDescriptor;
  }

  /** The OCI image manifest, byte-exact as pushed. */
  public ImageManifest manifest() {
    return manifest;
  }

  /** The manifest's digest. */
  public Digest digest() {
    return manifest.digest();
  }

  /** An OCI image index of the manifest alone, for {@code linux} on this machine's architecture. */
  public ImageIndex index() {
    return index;
  }

  /** The config and every layer. */
  public List<Descriptor> blobs() {
    List<Descriptor> out = new ArrayList<>();
    out.add(configDescriptor);
    layers.forEach(l -> out.add(l.descriptor()));
    return out;
  }

  /** The digests of the config and every layer, in that order. */
  public List<Digest> blobDigests() {
    return blobs().stream().map(Descriptor::digest).toList();
  }

  /** The digests of the layers, bottom first. */
  public List<Digest> layerDigests() {
    return layers.stream().map(l -> l.descriptor().digest()).toList();
  }

  /** A copy of the config's or a layer's bytes. */
  public byte[] blob(Digest digest) {
    if (configDescriptor.digest().equals(digest)) {
      return config();
    }
    for (Layer l : layers) {
      if (l.descriptor().digest().equals(digest)) {
        return l.blob().clone();
      }
    }
    throw new IllegalArgumentException("digest: " + digest + " (expected: a blob of this image)");
  }

  /** The sizes of the config and every layer, added up: what a pull moves besides manifests. */
  public long blobBytes() {
    return blobs().stream().mapToLong(Descriptor::size).sum();
  }

  /**
   * The image's files as a runtime sees them unpacked: a later layer's file wins, and a whiteout
   * removes the file of the layers below.
   */
  public Map<String, byte[]> files() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Layer l : layers) {
      out.keySet().removeAll(l.whiteouts());
      out.putAll(l.files());
    }
    return out;
  }

  /** Pushes the blobs, then the manifest as {@code repo:tag}; returns the manifest's digest. */
  public Digest push(RegistryClient client, String repo, String tag) throws IOException {
    for (Layer l : layers) {
      client.pushBlob(repo, l.descriptor().digest(), l.blob());
    }
    client.pushBlob(repo, configDescriptor.digest(), config);
    return client.putManifest(repo, tag, manifest.raw(), MediaTypes.OCI_MANIFEST);
  }

  /**
   * Puts {@link #index()} as {@code repo:tag}, after {@link #push} put the manifest into {@code
   * repo}; returns the index's digest.
   */
  public Digest pushIndex(RegistryClient client, String repo, String tag) throws IOException {
    return client.putManifest(repo, tag, index.raw(), MediaTypes.OCI_INDEX);
  }

  /** Adds layers bottom to top. */
  public static final class Builder {
    private final List<Layer> layers = new ArrayList<>();

    private Builder() {}

    /** A layer of regular files by relative path ({@code etc/app.conf}); directories implied. */
    public Builder layer(Map<String, byte[]> files) {
      if (files.isEmpty()) {
        throw new IllegalArgumentException("files: empty (expected: at least one file)");
      }
      layers.add(tarLayer(files, Set.of()));
      return this;
    }

    /**
     * The layer added last also deletes {@code path} (a file of the layers below), with a whiteout
     * entry beside where the file was.
     */
    public Builder whiteout(String path) {
      if (layers.isEmpty() || layers.get(layers.size() - 1).files().isEmpty()) {
        throw new IllegalStateException(
            "whiteout: " + path + " (expected: after a layer of files)");
      }
      Layer last = layers.remove(layers.size() - 1);
      Set<String> whiteouts = new HashSet<>(last.whiteouts());
      whiteouts.add(path);
      layers.add(tarLayer(last.files(), whiteouts));
      return this;
    }

    /**
     * An opaque layer: {@code size} random bytes from {@code seed}, not a tar, so a runtime cannot
     * unpack it. Typed as an uncompressed layer, whose diff id is its own digest.
     */
    public Builder randomLayer(long seed, int size) {
      byte[] blob = Blobs.random(seed, size);
      Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_TAR, blob);
      layers.add(new Layer(d, d.digest(), blob, Map.of(), Set.of()));
      return this;
    }

    public LayeredImage build() {
      StringBuilder diffIds = new StringBuilder();
      for (Layer l : layers) {
        diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(l.diffId()).append('"');
      }
      String config =
          "{\"architecture\":\""
              + goArch()
              + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/app\"]},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
              + diffIds
              + "]}}";
      return new LayeredImage(layers, utf8(config));
    }

    /**
     * A gzipped tar of the directories the paths imply, the files (those under {@code bin/}
     * executable), then the whiteouts, each in path order.
     */
    private static Layer tarLayer(Map<String, byte[]> files, Set<String> whiteouts) {
      TreeSet<String> dirs = new TreeSet<>();
      TreeSet<String> paths = new TreeSet<>(files.keySet());
      paths.addAll(whiteouts);
      for (String path : paths) {
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
          dirs.add(path.substring(0, i + 1));
        }
      }
      LayerTar tar = new LayerTar();
      dirs.forEach(tar::dir);
      for (String path : new TreeSet<>(files.keySet())) {
        tar.file(path, path.startsWith("bin/") ? 0755 : 0644, files.get(path));
      }
      new TreeSet<>(whiteouts).forEach(tar::whiteout);
      byte[] uncompressed = tar.tar();
      byte[] blob = LayerTar.gzip(uncompressed);
      return new Layer(
          Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, blob),
          Digest.sha256Of(uncompressed),
          blob,
          files,
          whiteouts);
    }
  }

  /** This machine's architecture as Go names it, so that a runtime takes the image as its own. */
  static String goArch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}
