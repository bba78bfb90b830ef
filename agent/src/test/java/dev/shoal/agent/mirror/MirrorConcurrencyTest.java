package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static dev.shoal.agent.mirror.MirrorClient.manifestPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import java.nio.file.Path;
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
class MirrorConcurrencyTest extends ProxiedMirror {
  private static final int MIB = 1 << 20;
  private static final int CLIENTS = 50;
  private static final String REPO = "team/web";

  @TempDir Path registryDir;
  private CncfRegistry registry;
  private ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(registryDir);
    startAgent(registry.baseUri());
    pool = Executors.newFixedThreadPool(CLIENTS);
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.shutdownNow();
    }
    stopAgent();
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void fiftyClientsPullingOneColdImage_causeOneUpstreamFetchPerBlobAndManifest() throws Exception {
    LayeredImage image = LayeredImage.random(11, 4 * MIB + 5, 3 * MIB, 2 * MIB);
    image.push(registry.client(), REPO, "v3");
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
      assertThat(proxy.gets(blobPath(REPO, d))).as("upstream GETs of " + d).isEqualTo(1);
      assertThat(TestAgents.eventuallyHeld(agent, d)).isTrue();
    }
    assertThat(proxy.blobBytes()).isEqualTo(image.blobBytes());
    // Registries count manifest GETs against pull quotas: one for the burst, too.
    assertThat(proxy.gets(manifestPath(REPO, image.manifest().digest().toString()))).isEqualTo(1);
  }

  /**
   * Pulls the whole image as a runtime does; returns what was wrong (nothing, if all went well).
   */
  private static List<String> pull(MirrorClient client, LayeredImage image, CountDownLatch go)
      throws Exception {
    List<String> wrong = new ArrayList<>();
    if (!go.await(10, TimeUnit.SECONDS)) {
      wrong.add("never started");
      return wrong;
    }
    MirrorClient.Answer m = client.manifest(manifestPath(REPO, "v3"));
    if (m.status() != 200 || !java.util.Arrays.equals(m.body(), image.manifest().raw())) {
      wrong.add("manifest: status " + m.status() + " " + m.text());
    }
    for (Digest d : image.blobDigests()) {
      MirrorClient.Hashed b = client.getHashed(blobPath(REPO, d));
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
