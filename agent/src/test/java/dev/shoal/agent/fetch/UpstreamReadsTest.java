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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a blob from the upstream (the real CNCF registry, counted by a proxy outside the agent):
 * a download stopped by a restart continues from the pieces on disk; with split reads on, a large
 * blob is read over two ranges at once, each byte once, and after a broken read only the missing
 * runs of pieces are asked for again; an upstream that ignores ranges is read as one stream.
 */
@Timeout(120)
class UpstreamReadsTest {
  private static final String REPO = "demo/ranges";
  private static final int MIB = 1 << 20;

  @TempDir Path dir;
  private CncfRegistry cncf;
  private UpstreamProxy proxy;
  private AgentMain agent;
  private byte[] blob;
  private Digest digest;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void pushLargeLayer() throws Exception {
    CncfRegistry.assumeInstalled();
    cncf = CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")));
    byte[] random = new byte[20 * MIB];
    new Random(5).nextBytes(random);
    LayeredImage image = LayeredImage.builder().layer(Map.of("big.bin", random)).build();
    image.push(RegistryClient.builder(cncf.baseUri()).build(), REPO, "v1");
    LayeredImage.Layer layer = image.layers().get(0);
    blob = layer.blob();
    digest = layer.descriptor().digest();
    proxy = UpstreamProxy.start(cncf.baseUri());
    agent = start();
  }

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
    long piece = PieceSizes.forSize(blob.length);
    long kept = 12 * piece; // the body stops half way through the 13th piece: twelve whole ones
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(kept + piece / 2);
    CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(get(), bytes());
    assertThat(hold.awaitHeld(Duration.ofSeconds(30))).isTrue();
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (agent.fetches().bytesFromUpstream() < kept && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    agent.close();
    agent = null;
    hold.release();
    first.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    proxy.holdBlobsAfter(Long.MAX_VALUE).release();
    proxy.resetCounts();

    agent = start();
    HttpResponse<byte[]> again = http.send(get(), bytes());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Digest.sha256Of(again.body())).isEqualTo(digest);
    // The rest only, and not the twelve pieces on disk. (The proxy may still count a few KiB that
    // the first relay had in flight when the hold was released.)
    long rest = blob.length - kept;
    assertThat(proxy.blobBytes())
        .as("upstream bytes after the restart, of %d", blob.length)
        .isBetween(rest, rest + piece);
  }

  @Test
  void aLargeBlob_isReadOverTwoRangesAtOnce_eachByteOnce() throws Exception {
    agent.fetches().splitUpstreamReads(true);
    int piece = PieceSizes.forSize(blob.length);
    int pieces = (blob.length + piece - 1) / piece;
    long mid = (long) (pieces / 2) * piece;
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(MIB);
    CompletableFuture<HttpResponse<byte[]>> pull = http.sendAsync(get(), bytes());
    assertThat(hold.awaitHeld(2, Duration.ofSeconds(30)))
        .as("two blob bodies on their way from the upstream at once")
        .isTrue();
    hold.release();

    HttpResponse<byte[]> response = pull.get(60, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Digest.sha256Of(response.body())).isEqualTo(digest);
    List<UpstreamProxy.Exchange> reads =
        proxy.exchanges().stream().filter(UpstreamProxy.Exchange::blobGet).toList();
    assertThat(reads)
        .extracting(UpstreamProxy.Exchange::range)
        .containsExactlyInAnyOrder(
            "bytes=0-" + (mid - 1), "bytes=" + mid + "-" + (blob.length - 1));
    assertThat(reads).allSatisfy(e -> assertThat(e.status()).isEqualTo(206));
    assertThat(proxy.blobBytes()).isEqualTo(blob.length);
  }

  @Test
  void afterABrokenRead_onlyTheMissingRunsOfPiecesAreAskedForAgain() throws Exception {
    agent.fetches().splitUpstreamReads(true);
    // Every blob body breaks after 3 MiB: each of the two first ranges keeps 3 MiB of whole pieces.
    int held = pullBrokenAfter3MibThenAgain(6L * MIB);
    long piece = PieceSizes.forSize(blob.length);
    // Each piece kept lies before the blob's last one, so each is whole; none is read again.
    assertThat(proxy.blobBytes())
        .as("upstream bytes of the second pull, of %d, %d pieces held", blob.length, held)
        .isEqualTo(blob.length - held * piece);
  }

  @Test
  void anUpstreamThatIgnoresRanges_isReadAsOneStream_resumingWithoutReadingAPieceTwice()
      throws Exception {
    agent.fetches().splitUpstreamReads(true);
    proxy.ignoreRanges(true);
    // The first request asks for half the blob and gets all of it: the agent reads it as one
    // stream from then on. That stream breaks after 3 MiB, and after each retry's 3 MiB more.
    pullBrokenAfter3MibThenAgain(3L * MIB);
    // One request for the rest, not one per run of missing pieces: the registry sends the whole
    // blob and the agent skips what it holds.
    assertThat(proxy.blobGets()).isOne();
    assertThat(proxy.blobBytes()).isEqualTo(blob.length);
  }

  /**
   * A pull whose blob bodies all break after 3 MiB, which must keep at least {@code kept} bytes of
   * pieces; then, the proxy counting afresh and cutting no more, a pull that must succeed. Returns
   * the pieces held between the two.
   */
  private int pullBrokenAfter3MibThenAgain(long kept) throws Exception {
    proxy.cutBlobsAfter(3L * MIB);
    http.sendAsync(get(), bytes()).handle((r, e) -> null).get(60, TimeUnit.SECONDS);
    awaitNoFetch();
    int held = agent.store().info(digest).orElseThrow().piecesHeld();
    assertThat(held * (long) PieceSizes.forSize(blob.length))
        .as("bytes kept from the broken reads")
        .isGreaterThanOrEqualTo(kept);
    proxy.cutBlobsAfter(-1);
    proxy.resetCounts();

    HttpResponse<byte[]> again = http.send(get(), bytes());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Digest.sha256Of(again.body())).isEqualTo(digest);
    return held;
  }

  private void awaitNoFetch() throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (agent.fetches().inFlight() > 0 && System.nanoTime() < end) {
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

  private HttpRequest get() {
    return HttpRequest.newBuilder(agent.uri().resolve("/v2/" + REPO + "/blobs/" + digest))
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  private static HttpResponse.BodyHandler<byte[]> bytes() {
    return HttpResponse.BodyHandlers.ofByteArray();
  }
}
