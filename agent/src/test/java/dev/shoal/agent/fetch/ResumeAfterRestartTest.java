package dev.shoal.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent stopped in the middle of a download keeps the pieces it had; started again on the same
 * data, it fetches only the rest from the upstream (counted by a proxy outside the agent).
 */
@Timeout(120)
class ResumeAfterRestartTest {
  private static final String REPO = "demo/big";

  @TempDir Path dir;
  private CncfRegistry cncf;
  private UpstreamProxy proxy;
  private AgentMain agent;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (cncf != null) {
      cncf.close();
    }
  }

  @Test
  void aDownloadStoppedByARestart_continuesFromThePiecesOnDisk() throws Exception {
    CncfRegistry.assumeInstalled();
    cncf = CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")));
    byte[] random = new byte[6 << 20];
    new Random(3).nextBytes(random);
    LayeredImage image = LayeredImage.builder().layer(Map.of("big.bin", random)).build();
    image.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "v1");
    LayeredImage.Layer layer = image.layers().get(0);
    Digest digest = layer.descriptor().digest();
    proxy = UpstreamProxy.start(cncf.baseUri());

    agent = start();
    long piece = PieceSizes.forSize(layer.blob().length);
    long kept = 12 * piece; // the body stops half way through the 13th piece: twelve whole ones
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(kept + piece / 2);
    CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(get(agent, digest), bytes());
    assertThat(hold.awaitHeld(Duration.ofSeconds(30))).isTrue();
    waitForBytes(kept);
    agent.close();
    agent = null;
    hold.release();
    first.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    proxy.holdBlobsAfter(Long.MAX_VALUE).release();
    proxy.resetCounts();

    agent = start();
    HttpResponse<byte[]> again = http.send(get(agent, digest), bytes());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Digest.sha256Of(again.body())).isEqualTo(digest);
    // The rest only, and not the twelve pieces on disk. (The proxy may still count a few KiB that
    // the first relay had in flight when the hold was released.)
    long rest = layer.blob().length - kept;
    assertThat(proxy.blobBytes())
        .as("upstream bytes after the restart, of %d", layer.blob().length)
        .isBetween(rest, rest + (256L << 10));
  }

  private void waitForBytes(long bytes) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (agent.fetches().bytesFromUpstream() < bytes && System.nanoTime() < end) {
      Thread.sleep(10);
    }
  }

  private AgentMain start() throws Exception {
    return AgentMain.start(
        AgentConfig.defaults(dir.resolve("agent"))
            .withMirror(
                MirrorConfig.defaults()
                    .withListen(new HostPort("127.0.0.1", 0))
                    .withUpstream(proxy.uri()))
            .withControl(new ControlConfig(new HostPort("127.0.0.1", 0))),
        Clock.systemUTC());
  }

  private static HttpRequest get(AgentMain agent, Digest digest) {
    return HttpRequest.newBuilder(agent.uri().resolve("/v2/" + REPO + "/blobs/" + digest))
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  private static HttpResponse.BodyHandler<byte[]> bytes() {
    return HttpResponse.BodyHandlers.ofByteArray();
  }
}
