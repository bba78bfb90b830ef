package dev.shoal.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real one-layer image of Debian's {@code busybox-static} ({@code /bin/busybox} with a symlink
 * per applet in {@code /bin}), an {@code /etc/passwd} with root and {@code app} (uid 1000) and an
 * {@code /etc/group}; its config sets Cmd, Env, WorkingDir and optionally User. The layer is a tar
 * made by GNU tar with numeric owners root, gzipped.
 */
public final class BusyboxImage {
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  private final byte[] layer;
  private final Digest diffId;
  private final byte[] config;
  private final ImageManifest manifest;

  private BusyboxImage(byte[] layer, Digest diffId, byte[] config) {
    this.layer = layer;
    this.diffId = diffId;
    this.config = config;
    this.manifest =
        ImageManifest.of(
            Descriptor.of(MediaTypes.OCI_CONFIG, config),
            List.of(Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer)));
  }

  /** Skips the calling test without busybox-static, tar or root. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(
        Files.isExecutable(BUSYBOX),
        "busybox-static is not installed (apt-get install busybox-static; ./scripts/test does)");
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "running containers needs root");
  }

  /**
   * Builds the image in {@code work} (a scratch directory).
   *
   * @param user the config's User, "" for none
   */
  public static BusyboxImage build(Path work, String user)
      throws IOException, InterruptedException {
    return build(work, user, "");
  }

  /**
   * Builds the image with {@code /etc/marker} holding {@code marker} when not empty: a layer of its
   * own, shared with no other image.
   */
  public static BusyboxImage build(Path work, String user, String marker)
      throws IOException, InterruptedException {
    Path root = Files.createDirectories(work.resolve("busybox-root"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    for (String applet : run(List.of(BUSYBOX.toString(), "--list")).split("\n")) {
      String a = applet.strip();
      if (!a.isEmpty() && !a.equals("busybox")) {
        Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
      }
    }
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(
        etc.resolve("passwd"),
        "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
    if (!marker.isEmpty()) {
      Files.writeString(etc.resolve("marker"), marker + "\n");
    }
    Files.createDirectories(root.resolve("home/app"));
    Files.createDirectories(root.resolve("tmp"));
    Files.createDirectories(root.resolve("srv"));
    Path tar = work.resolve("busybox.tar");
    run(
        List.of(
            "tar",
            "--numeric-owner",
            "--owner=0",
            "--group=0",
            "--sort=name",
            "--mtime=@0",
            "-C",
            root.toString(),
            "-cf",
            tar.toString(),
            "."));
    byte[] raw = Files.readAllBytes(tar);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(raw);
    }
    Digest diffId = Digest.sha256Of(raw);
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = json.createObjectNode();
    c.put("architecture", goArch());
    c.put("os", "linux");
    ObjectNode cfg = c.putObject("config");
    cfg.putArray("Env").add("PATH=/bin").add("FROM_IMAGE=image-value");
    cfg.putArray("Cmd").add("sh").add("-c").add("echo default command");
    cfg.put("WorkingDir", "/srv");
    if (!user.isEmpty()) {
      cfg.put("User", user);
    }
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId.toString());
    return new BusyboxImage(gz.toByteArray(), diffId, json.writeValueAsBytes(c));
  }

  /** Pushes layer, config and manifest as {@code repo:tag}. */
  public Digest push(RegistryClient client, String repo, String tag) throws IOException {
    client.pushBlob(repo, manifest.layers().get(0).digest(), layer);
    client.pushBlob(repo, manifest.config().digest(), config);
    return client.putManifest(repo, tag, manifest.raw(), MediaTypes.OCI_MANIFEST);
  }

  public Digest layerDigest() {
    return manifest.layers().get(0).digest();
  }

  public Digest diffId() {
    return diffId;
  }

  public Digest digest() {
    return manifest.digest();
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  static String goArch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return arch.equals("x86_64") || arch.equals("amd64") ? "amd64" : arch;
  }
}
