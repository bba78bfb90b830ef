package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.PrivateContainerd;
import dev.shoal.origin.testing.TestOrigin;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd's {@code ctr}, a real client, fetches an image from the origin with credentials
 * (through the token flow) into a private containerd started by the test.
 */
class ContainerdFetchIT {
  @TempDir Path dir;

  @Test
  void ctrFetchesEveryLayerWithCredentialsAndNothingWithout() throws Exception {
    PrivateContainerd.assumeAvailable();
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"), Clock.systemUTC());
        PrivateContainerd containerd = PrivateContainerd.start(dir.resolve("containerd"))) {
      LayeredImage image =
          LayeredImage.builder().randomLayer(200, 100_000).randomLayer(201, 100_000).build();
      image.push(origin.client("admin"), "admin/app", "v1");

      String ref = origin.hostPort() + "/admin/app:v1";
      assertThat(containerd.fetch(ref, "--plain-http").succeeded())
          .as("without credentials")
          .isFalse();

      PrivateContainerd.Result fetched =
          containerd.fetch(ref, "--plain-http", "--user", "admin:" + TestOrigin.ADMIN_PASSWORD);
      assertThat(fetched.succeeded()).as(fetched.toString()).isTrue();
      assertThat(containerd.contentDigests())
          .containsAll(image.blobDigests().stream().map(Object::toString).toList());
    }
  }
}
