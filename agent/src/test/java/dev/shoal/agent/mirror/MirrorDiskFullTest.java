package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's data on a small tmpfs (mounted for the test; needs root, as CI runs): a blob that
 * cannot fit, and a disk that fills up during a download, give the client an error, leave no
 * complete (or stranded partial) blob behind, and the agent keeps serving what fits.
 */
@Timeout(60)
class MirrorDiskFullTest extends ProxiedMirror {
  private static final int MIB = 1 << 20;
  private static final String REPO = "team/big";

  @TempDir Path registryDir;
  @TempDir Path mountPoint;
  private boolean mounted;
  private CncfRegistry registry;
  private LayeredImage image;

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    mounted = run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mountPoint.toString());
    assumeTrue(mounted, "mounting a tmpfs needs root; CI runs as root");
    registry = CncfRegistry.start(registryDir);
    // Layers: 40 MiB (more than the whole disk), 12 MiB, and two small ones.
    image = LayeredImage.random(41, 40 * MIB, 12 * MIB, 200_000, 300_000);
    image.push(registry.client(), REPO, "v1");
    startAgent(registry.baseUri(), Clock.systemUTC(), m -> m, mountPoint.resolve("agent"));
  }

  @AfterEach
  void stop() throws Exception {
    stopAgent();
    if (registry != null) {
      registry.close();
    }
    if (mounted) {
      run("umount", mountPoint.toString());
    }
  }

  private Digest layer(int i) {
    return image.layerDigests().get(i);
  }

  @Test
  void blobLargerThanTheDisk_isAClearError_andSmallBlobsStillWork() throws Exception {
    assertThat(client.get(blobPath(REPO, layer(2))).body()).isEqualTo(image.blob(layer(2)));

    MirrorClient.Answer huge = client.get(blobPath(REPO, layer(0)));
    assertThat(huge.status()).as(huge.text()).isEqualTo(507);
    assertThat(huge.text()).contains("\"code\":\"UNAVAILABLE\"").contains("space");
    assertThat(agent.store().contains(layer(0))).isFalse();
    assertThat(agent.store().info(layer(0))).isEmpty();

    assertThat(client.get(blobPath(REPO, layer(3))).body()).isEqualTo(image.blob(layer(3)));
    assertThat(client.get(blobPath(REPO, layer(2))).body()).isEqualTo(image.blob(layer(2)));
  }

  @Test
  void diskFillingDuringADownload_failsIt_freesItsSpace_andTheAgentKeepsServing() throws Exception {
    Digest twelve = layer(1);
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(4 * MIB);
    CompletableFuture<MirrorClient.Answer> pulling =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.get(blobPath(REPO, twelve));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(hold.awaitHeld(Duration.ofSeconds(10))).isTrue();
    Path filler = mountPoint.resolve("filler");
    fill(filler);
    hold.release();

    MirrorClient.Answer failed = pulling.get(20, TimeUnit.SECONDS);
    assertThat(failed.status() / 100 == 2 && failed.complete())
        .as("status " + failed.status() + ", " + failed.body().length + " bytes")
        .isFalse();
    assertThat(agent.store().contains(twelve)).isFalse();
    assertThat(agent.store().info(twelve)).as("the failed download's pieces are freed").isEmpty();

    // The space the failed download held is free again: a small blob fits.
    assertThat(client.get(blobPath(REPO, layer(3))).body()).isEqualTo(image.blob(layer(3)));

    Files.delete(filler);
    MirrorClient.Answer again = client.get(blobPath(REPO, twelve));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(image.blob(twelve));
    assertThat(TestAgents.eventuallyHeld(agent, twelve)).isTrue();
  }

  /** Writes {@code file} until the file system is full. */
  private static void fill(Path file) {
    byte[] chunk = new byte[256 << 10];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 1000; i++) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // No space left on device: the point.
    }
  }

  private static boolean run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
