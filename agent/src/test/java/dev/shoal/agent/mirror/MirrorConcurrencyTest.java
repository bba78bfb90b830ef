package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.UpstreamProxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A burst of pulls of one cold image: one upstream download per blob, right bytes for all. */
@Timeout(90)
class MirrorConcurrencyTest {
  private static final int MIB = 1 << 20;
  private static final int CLIENTS = 50;

  @TempDir Path registryDir;
  @TempDir Path data;
  private CncfRegistry registry;
  private UpstreamProxy proxy;
  private AgentMain agent;
  private ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(registryDir);
    proxy = UpstreamProxy.start(registry.baseUri());
    agent = TestAgents.start(data, proxy.uri(), Clock.systemUTC());
    pool = Executors.newFixedThreadPool(CLIENTS);
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (agent != null) {
      agent.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void fiftyClientsPullingOneColdImage_causeOneUpstreamFetchPerBlobAndManifest() throws Exception {
    RegistryClient push = RegistryClient.builder(registry.baseUri()).build();
    TestImage image = TestImage.push(push, "team/web", "v3", 11, 4 * MIB + 5, 3 * MIB, 2 * MIB);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<String>>> pulls = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      MirrorClient client = new MirrorClient(agent.uri());
      pulls.add(pool.submit(() -> pull(client, image, go)));
    }
    go.countDown();
    for (Future<List<String>> p : pulls) {
      assertThat(p.get(60, TimeUnit.SECONDS)).as("what went wrong for one client").isEmpty();
    }

    for (Digest d : image.blobDigests()) {
      assertThat(proxy.gets(image.blobPath(d))).as("upstream GETs of " + d).isEqualTo(1);
      assertThat(TestAgents.eventuallyHeld(agent, d)).isTrue();
    }
    assertThat(proxy.blobBytes()).isEqualTo(image.totalBlobBytes());
    // Registries count manifest GETs against pull quotas: one for the burst, too.
    assertThat(proxy.gets(image.manifestPath(image.manifest().digest().toString()))).isEqualTo(1);
  }

  /**
   * Pulls the whole image as a runtime does; returns what was wrong (nothing, if all went well).
   */
  private static List<String> pull(MirrorClient client, TestImage image, CountDownLatch go)
      throws Exception {
    List<String> wrong = new ArrayList<>();
    if (!go.await(10, TimeUnit.SECONDS)) {
      wrong.add("never started");
      return wrong;
    }
    MirrorClient.Answer m = client.manifest(image.manifestPath(image.tag()));
    if (m.status() != 200 || !java.util.Arrays.equals(m.body(), image.manifest().raw())) {
      wrong.add("manifest: status " + m.status() + " " + m.text());
    }
    for (Digest d : image.blobDigests()) {
      MirrorClient.Hashed b = client.getHashed(image.blobPath(d));
      if (b.status() != 200
          || b.error() != null
          || b.bytes() != image.blob(d).length
          || !b.digest().equals(d)) {
        wrong.add(d + ": " + b);
      }
    }
    return wrong;
  }
}
