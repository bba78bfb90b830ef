package dev.shoal.origin.api;

import static dev.shoal.core.testing.LayeredImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.PrivateContainerd;
import dev.shoal.origin.testing.TestOrigin;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd pulls a two-layer image from the origin with a tenant's credentials and unpacks it
 * into its snapshotter; the mounted image shows the upper layer's files over the lower one's, and
 * the lower one's deleted file gone.
 *
 * <p>The snapshotter is overlayfs (containerd's default) where the kernel lets containerd use it,
 * else the native one; the test's output says which one ran.
 */
class ContainerdPullIT {
  private static final String REPO = "ci/app";

  @TempDir Path dir;

  @Test
  void ctrPullUnpacksTheLayersInOrder_upperLayerWins() throws Exception {
    PrivateContainerd.assumeAvailable();
    // Closing containerd throws when a mount is left behind.
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"), Clock.systemUTC(), "ci");
        PrivateContainerd containerd = PrivateContainerd.start(dir.resolve("containerd"))) {
      Digest manifest = twoLayers().push(origin.client("ci"), REPO, "v1");
      String ref = origin.hostPort() + "/" + REPO + ":v1";

      PrivateContainerd.Result anonymous = containerd.pull(ref, "--plain-http");
      assertThat(anonymous.succeeded()).as("pull without credentials").isFalse();

      PrivateContainerd.Result pulled =
          containerd.pull(ref, "--plain-http", "--user", "ci:" + TestOrigin.password("ci"));
      System.out.println("ContainerdPullIT: snapshotter=" + containerd.snapshotter());
      assertThat(pulled.succeeded())
          .as(
              "pull with %s: %s%ncontainerd log:%n%s",
              containerd.snapshotter(), pulled, containerd.log())
          .isTrue();

      containerd.withMounted(
          ref,
          rootfs -> {
            assertThat(rootfs.resolve("app/config.txt")).hasContent("from the top layer");
            assertThat(rootfs.resolve("app/base-only.txt")).hasContent("kept from the base");
            assertThat(rootfs.resolve("app/top-only.txt")).hasContent("added on top");
            assertThat(rootfs.resolve("app/obsolete.txt")).doesNotExist();
            assertThat(rootfs.resolve("app/.wh.obsolete.txt")).doesNotExist();
            return null;
          });
      assertThat(containerd.ctr(List.of("image", "ls")).output())
          .contains(ref, manifest.toString());
    }
  }

  /** A base layer of three files, and a top layer that replaces one, adds one, deletes one. */
  private static LayeredImage twoLayers() {
    return LayeredImage.builder()
        .layer(
            Map.of(
                "app/config.txt", utf8("from the base layer\n"),
                "app/base-only.txt", utf8("kept from the base\n"),
                "app/obsolete.txt", utf8("deleted by the top layer\n")))
        .layer(
            Map.of(
                "app/config.txt", utf8("from the top layer\n"),
                "app/top-only.txt", utf8("added on top\n")))
        .whiteout("app/obsolete.txt")
        .build();
  }
}
