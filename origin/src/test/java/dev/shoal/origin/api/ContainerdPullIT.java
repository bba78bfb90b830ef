package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.LayerTar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd pulls a two-layer image from the origin with a tenant's credentials and unpacks it
 * into its snapshotter; the mounted image shows the upper layer's files over the lower one's, and
 * the lower one's deleted file gone.
 *
 * <p>Tries the overlayfs snapshotter first (containerd's default) and falls back to the native one
 * only when overlay mounts fail in this environment; the test's output says which one ran.
 */
class ContainerdPullIT {
  private static final String REPO = "ci/app";

  @TempDir Path dir;
  private PrivateContainerd containerd;
  private TestOrigin origin;

  @BeforeEach
  void start() throws Exception {
    PrivateContainerd.assumeInstalled();
    containerd = PrivateContainerd.start(Files.createDirectories(dir.resolve("containerd")));
    origin = TestOrigin.start(dir.resolve("origin"), Clock.systemUTC(), "ci");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (origin != null) {
        origin.close();
      }
    } finally {
      if (containerd != null) {
        containerd.close();
        assertThat(containerd.mountsBelow()).as("mounts left behind").isEmpty();
      }
    }
  }

  @Test
  void ctrPullUnpacksTheLayersInOrder_upperLayerWins() throws Exception {
    LayerTar base =
        new LayerTar()
            .dir("app")
            .file("app/config.txt", "from the base layer\n")
            .file("app/base-only.txt", "kept from the base\n")
            .file("app/obsolete.txt", "deleted by the top layer\n");
    LayerTar top =
        new LayerTar()
            .dir("app")
            .file("app/config.txt", "from the top layer\n")
            .file("app/top-only.txt", "added on top\n")
            .whiteout("app/obsolete.txt");
    Digest manifest = push(origin.client("ci"), base, top);
    String ref = host() + "/" + REPO + ":v1";

    PrivateContainerd.Result anonymous = containerd.ctr("image", "pull", "--plain-http", ref);
    assertThat(anonymous.exit()).as("pull without credentials").isNotZero();

    String snapshotter = "overlayfs";
    Path rootfs = containerd.mountPoint("rootfs");
    PrivateContainerd.Result unpacked = pullAndMount(ref, snapshotter, rootfs);
    if (!unpacked.ok() && mountFailed(unpacked)) {
      System.out.println(
          "ContainerdPullIT: overlayfs cannot mount here, falling back to the native"
              + " snapshotter: "
              + unpacked.output().strip());
      snapshotter = "native";
      unpacked = pullAndMount(ref, snapshotter, rootfs);
    }
    System.out.println("ContainerdPullIT: snapshotter=" + snapshotter);
    assertThat(unpacked.ok())
        .as("pull and mount with %s: %s%ncontainerd log:%n%s", snapshotter, unpacked, log())
        .isTrue();

    try {
      assertThat(rootfs.resolve("app/config.txt")).hasContent("from the top layer");
      assertThat(rootfs.resolve("app/base-only.txt")).hasContent("kept from the base");
      assertThat(rootfs.resolve("app/top-only.txt")).hasContent("added on top");
      assertThat(rootfs.resolve("app/obsolete.txt")).doesNotExist();
      assertThat(rootfs.resolve("app/.wh.obsolete.txt")).doesNotExist();
      assertThat(containerd.ctr("image", "ls").output()).contains(ref, manifest.toString());
    } finally {
      PrivateContainerd.Result unmounted =
          containerd.ctr(
              "image", "unmount", "--snapshotter", snapshotter, "--rm", rootfs.toString());
      assertThat(unmounted.ok()).as(unmounted.output()).isTrue();
    }
  }

  /** Pushes both layers, a config with their diff ids, and the manifest as {@code REPO:v1}. */
  private static Digest push(RegistryClient client, LayerTar... layers) throws Exception {
    List<Descriptor> descriptors = new ArrayList<>();
    for (LayerTar layer : layers) {
      byte[] blob = layer.gzip();
      Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, blob);
      client.pushBlob(REPO, d.digest(), blob);
      descriptors.add(d);
    }
    String diffIds =
        List.of(layers).stream()
            .map(l -> "\"" + l.diffId() + "\"")
            .collect(Collectors.joining(","));
    byte[] config =
        ("{\"architecture\":\""
                + goArch()
                + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor c = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    client.pushBlob(REPO, c.digest(), config);
    return client.putManifest(
        REPO, "v1", ImageManifest.of(c, descriptors).raw(), MediaTypes.OCI_MANIFEST);
  }

  /**
   * {@code ctr image pull} (which unpacks into {@code snapshotter}), then {@code ctr image mount}
   * of a read-only view at {@code target}; the first failure, or the mount's result.
   */
  private PrivateContainerd.Result pullAndMount(String ref, String snapshotter, Path target)
      throws Exception {
    PrivateContainerd.Result pulled =
        containerd.ctr(
            "image",
            "pull",
            "--plain-http",
            "--snapshotter",
            snapshotter,
            "--user",
            "ci:" + TestOrigin.password("ci"),
            ref);
    if (!pulled.ok()) {
      return pulled;
    }
    return containerd.ctr("image", "mount", "--snapshotter", snapshotter, ref, target.toString());
  }

  /** Whether a failure is the overlay mount's (not the registry's): worth trying native. */
  private static boolean mountFailed(PrivateContainerd.Result r) {
    String out = r.output().toLowerCase(Locale.ROOT);
    return out.contains("mount") || out.contains("overlay") || out.contains("snapshotter");
  }

  private String host() {
    return origin.uri().getHost() + ":" + origin.uri().getPort();
  }

  private String log() {
    try {
      return containerd.log();
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The JVM's architecture in Go's words, as image configs and containerd spell it. */
  private static String goArch() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}
