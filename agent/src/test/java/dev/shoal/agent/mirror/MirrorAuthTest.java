package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static dev.shoal.agent.mirror.MirrorClient.manifestPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNCF registry with htpasswd behind the mirror: the agent serves content of the private
 * repository, even from its cache, only to callers the registry accepts.
 */
@Timeout(60)
class MirrorAuthTest extends ProxiedMirror {
  private static final String USER = "puller";
  private static final String PASSWORD = "right-password";
  private static final String REPO = "private/app";
  private static final String TAG = "v1";

  @TempDir static Path registryDir;
  @AutoClose private static CncfRegistry registry;
  private static LayeredImage image;

  private MirrorClient anonymous;
  private MirrorClient right;
  private MirrorClient wrong;

  @BeforeAll
  static void pushImage() throws Exception {
    CncfRegistry.assumeInstalledWithHtpasswd();
    registry = CncfRegistry.start(registryDir, USER, PASSWORD);
    image = LayeredImage.random(21, 1_500_000, 400_000);
    image.push(registry.client(), REPO, TAG);
  }

  @BeforeEach
  void start() throws Exception {
    startAgent(registry.baseUri());
    anonymous = client;
    right = anonymous.withAuthorization(MirrorClient.basic(USER, PASSWORD));
    wrong = anonymous.withAuthorization(MirrorClient.basic(USER, "wrong-password"));
  }

  @Test
  void withoutCredentials_is401WithTheRegistrysChallenge() throws Exception {
    for (String path : paths()) {
      MirrorClient.Answer a =
          path.contains("/manifests/") ? anonymous.manifest(path) : anonymous.get(path);
      assertThat(a.status()).as(path).isEqualTo(401);
      assertThat(a.header("WWW-Authenticate")).as(path).startsWith("Basic realm=");
      assertThat(a.text()).as(path).contains("UNAUTHORIZED");
    }
    assertThat(proxy.blobBytes()).isZero();
  }

  @Test
  void rightCredentials_areServed_wrongOrNoneRefusedEvenWhenCached() throws Exception {
    for (String path : paths()) {
      MirrorClient.Answer a = path.contains("/manifests/") ? right.manifest(path) : right.get(path);
      assertThat(a.status()).as(path).isEqualTo(200);
    }
    for (Digest d : image.blobDigests()) {
      assertThat(right.get(blobPath(REPO, d)).body()).isEqualTo(image.blob(d));
      assertThat(TestAgents.eventuallyHeld(agent, d)).as("cached " + d).isTrue();
    }

    for (MirrorClient caller : new MirrorClient[] {wrong, anonymous}) {
      for (String path : paths()) {
        MirrorClient.Answer a =
            path.contains("/manifests/") ? caller.manifest(path) : caller.get(path);
        assertThat(a.status()).as(path).isEqualTo(401);
        assertThat(a.header("WWW-Authenticate")).as(path).startsWith("Basic realm=");
        assertThat(a.body()).as(path).isNotEqualTo(image.manifest().raw());
        MirrorClient.Answer head = caller.head(path);
        assertThat(head.status()).as("HEAD " + path).isEqualTo(401);
      }
    }
    // Still served to the right caller afterwards.
    assertThat(right.manifest(manifestPath(REPO, TAG)).body()).isEqualTo(image.manifest().raw());
  }

  private String[] paths() {
    return new String[] {
      manifestPath(REPO, TAG),
      manifestPath(REPO, image.manifest().digest().toString()),
      blobPath(REPO, image.configDescriptor().digest()),
      blobPath(REPO, image.layerDigests().get(0)),
    };
  }
}
