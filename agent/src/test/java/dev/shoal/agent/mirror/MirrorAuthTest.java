package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.UpstreamProxy;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
class MirrorAuthTest {
  private static final String USER = "puller";
  private static final String PASSWORD = "right-password";

  @TempDir static Path registryDir;
  private static CncfRegistry registry;
  private static TestImage image;

  @TempDir Path data;
  private UpstreamProxy proxy;
  private AgentMain agent;
  private MirrorClient anonymous;
  private MirrorClient right;
  private MirrorClient wrong;

  @BeforeAll
  static void pushImage() throws Exception {
    CncfRegistry.assumeInstalledWithHtpasswd();
    registry = CncfRegistry.start(registryDir, USER, PASSWORD);
    String host = registry.baseUri().getHost() + ":" + registry.baseUri().getPort();
    RegistryClient push =
        RegistryClient.builder(registry.baseUri())
            .credentials(Credentials.of(host, USER, PASSWORD))
            .build();
    image = TestImage.push(push, "private/app", "v1", 21, 1_500_000, 400_000);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void startAgent() throws Exception {
    proxy = UpstreamProxy.start(registry.baseUri());
    agent = TestAgents.start(data, proxy.uri(), Clock.systemUTC());
    anonymous = new MirrorClient(agent.uri());
    right = anonymous.withAuthorization(MirrorClient.basic(USER, PASSWORD));
    wrong = anonymous.withAuthorization(MirrorClient.basic(USER, "wrong-password"));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (proxy != null) {
      proxy.close();
    }
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
      assertThat(right.get(image.blobPath(d)).body()).isEqualTo(image.blob(d));
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
    assertThat(right.manifest(image.manifestPath(image.tag())).body())
        .isEqualTo(image.manifest().raw());
  }

  private String[] paths() {
    return new String[] {
      image.manifestPath(image.tag()),
      image.manifestPath(image.manifest().digest().toString()),
      image.blobPath(image.configDigest()),
      image.blobPath(image.layerDigests().get(0)),
    };
  }
}
