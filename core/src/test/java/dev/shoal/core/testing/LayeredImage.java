package dev.shoal.core.testing;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * An image a container runtime can unpack, built in memory: each layer a real gzip-compressed tar
 * of a few files, and a config whose {@code rootfs.diff_ids} are the digests of the uncompressed
 * tars (OCI image spec, config "rootfs" and layer "DiffID"). The same files give the same bytes.
 *
 * <pre>{@code
 * LayeredImage image = LayeredImage.sample(7);
 * image.push(client, "demo/app", "v1");
 * }</pre>
 */
public final class LayeredImage {
  /** One layer: the compressed blob, its tar's digest, and the files it holds. */
  public record Layer(
      Descriptor descriptor, Digest diffId, byte[] blob, Map<String, byte[]> files) {
    public Layer {
      requireNonNull(descriptor, "descriptor");
      requireNonNull(diffId, "diffId");
      files = Map.copyOf(files);
    }
  }

  private final List<Layer> layers;
  private final byte[] config;
  private final Descriptor configDescriptor;
  private final byte[] manifest;

  private LayeredImage(List<Layer> layers, byte[] config) {
    this.layers = List.copyOf(layers);
    this.config = config;
    this.configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    this.manifest =
        ImageManifest.of(configDescriptor, layers.stream().map(Layer::descriptor).toList()).raw();
  }

  /**
   * Three layers, about 4 MiB compressed: a program and a text file, a data file that also replaces
   * the text file, and a second data file. Contents follow from {@code seed}.
   */
  public static LayeredImage sample(long seed) throws IOException {
    return builder()
        .layer(
            Map.of(
                "bin/app", Blobs.random(seed, 1 << 20),
                "etc/shoal/release", text("layer 1 of " + seed)))
        .layer(
            Map.of(
                "data/a.bin", Blobs.random(seed + 1, 2 << 20),
                "etc/shoal/release", text("layer 2 of " + seed)))
        .layer(
            Map.of(
                "data/b.bin", Blobs.random(seed + 2, 1 << 20),
                "data/readme.txt", text("pulled through shoal\n")))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

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
  public byte[] manifest() {
    return manifest.clone();
  }

  public Digest digest() {
    return Digest.sha256Of(manifest);
  }

  /** The config and every layer. */
  public List<Descriptor> blobs() {
    List<Descriptor> out = new ArrayList<>();
    out.add(configDescriptor);
    layers.forEach(l -> out.add(l.descriptor()));
    return out;
  }

  /** The image's files as a runtime sees them unpacked: a later layer's file wins. */
  public Map<String, byte[]> files() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    layers.forEach(l -> out.putAll(l.files()));
    return out;
  }

  /** Pushes the blobs, then the manifest as {@code repo:tag}; returns the manifest's digest. */
  public Digest push(RegistryClient client, String repo, String tag) throws IOException {
    for (Layer l : layers) {
      client.pushBlob(repo, l.descriptor().digest(), l.blob());
    }
    client.pushBlob(repo, configDescriptor.digest(), config);
    return client.putManifest(repo, tag, manifest, MediaTypes.OCI_MANIFEST);
  }

  /** Adds layers bottom to top. */
  public static final class Builder {
    private final List<Map<String, byte[]>> layers = new ArrayList<>();

    private Builder() {}

    /** A layer of regular files by relative path ({@code etc/app.conf}); directories implied. */
    public Builder layer(Map<String, byte[]> files) {
      if (files.isEmpty()) {
        throw new IllegalArgumentException("files: empty (expected: at least one file)");
      }
      layers.add(Map.copyOf(files));
      return this;
    }

    public LayeredImage build() throws IOException {
      List<Layer> out = new ArrayList<>();
      StringBuilder diffIds = new StringBuilder();
      for (Map<String, byte[]> files : layers) {
        byte[] tar = Tar.of(files);
        byte[] blob = gzip(tar);
        Digest diffId = Digest.sha256Of(tar);
        out.add(new Layer(Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, blob), diffId, blob, files));
        diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(diffId).append('"');
      }
      String config =
          "{\"architecture\":\""
              + goArch()
              + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/app\"]},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
              + diffIds
              + "]}}";
      return new LayeredImage(out, config.getBytes(StandardCharsets.UTF_8));
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

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** A POSIX ustar archive (POSIX.1-1988), enough for short paths of files and directories. */
  static final class Tar {
    private static final int BLOCK = 512;
    private static final long MTIME = 1_700_000_000L;

    private Tar() {}

    static byte[] of(Map<String, byte[]> files) throws IOException {
      TreeSet<String> dirs = new TreeSet<>();
      for (String path : files.keySet()) {
        if (path.startsWith("/") || path.contains("..") || path.length() > 99) {
          throw new IllegalArgumentException("path: " + path + " (expected: short and relative)");
        }
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
          dirs.add(path.substring(0, i + 1));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String d : dirs) {
        out.write(header(d, 0755, 0, '5'));
      }
      for (String path : new TreeSet<>(files.keySet())) {
        byte[] content = files.get(path);
        out.write(header(path, path.startsWith("bin/") ? 0755 : 0644, content.length, '0'));
        out.write(content);
        out.write(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
      }
      out.write(new byte[2 * BLOCK]);
      return out.toByteArray();
    }

    private static byte[] header(String name, int mode, long size, char type) {
      byte[] h = new byte[BLOCK];
      put(h, 0, 100, name);
      octal(h, 100, 8, mode);
      octal(h, 108, 8, 0);
      octal(h, 116, 8, 0);
      octal(h, 124, 12, size);
      octal(h, 136, 12, MTIME);
      h[156] = (byte) type;
      put(h, 257, 6, "ustar");
      put(h, 263, 2, "00");
      put(h, 265, 32, "root");
      put(h, 297, 32, "root");
      // The checksum is taken with its own field as spaces, then written as 6 digits, NUL, space.
      java.util.Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      octal(h, 148, 7, sum);
      h[155] = ' ';
      return h;
    }

    private static void put(byte[] h, int at, int len, String s) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, h, at, Math.min(b.length, len));
    }

    /** {@code len - 1} zero-padded octal digits and a NUL. */
    private static void octal(byte[] h, int at, int len, long value) {
      String digits = Long.toOctalString(value);
      String padded = "0".repeat(Math.max(0, len - 1 - digits.length())) + digits;
      put(h, at, len - 1, padded);
      h[at + len - 1] = 0;
    }
  }
}
