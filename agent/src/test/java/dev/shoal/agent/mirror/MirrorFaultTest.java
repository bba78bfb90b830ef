package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees when the upstream misbehaves mid-blob, and what the agent keeps: wrong bytes
 * are never served whole nor cached, a cut download fails now and succeeds on the next pull, and a
 * client that leaves does not cancel the download others wait on.
 */
@Timeout(60)
class MirrorFaultTest extends ProxiedMirror {
  private static final int MIB = 1 << 20;
  private static final String REPO = "team/app";

  @TempDir static Path registryDir;
  @AutoClose private static CncfRegistry registry;
  private static LayeredImage image;

  @BeforeAll
  static void pushImage() throws Exception {
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(registryDir);
    image = LayeredImage.random(7, 6 * MIB + 3, 700_000);
    image.push(registry.client(), REPO, "v1");
  }

  @BeforeEach
  void start() throws Exception {
    startAgent(registry.baseUri());
  }

  private Digest bigLayer() {
    return image.layerDigests().get(0);
  }

  private Digest smallLayer() {
    return image.layerDigests().get(1);
  }

  /** The client did not get the blob: an error status, or a body that broke off. */
  private static void assertNotServedWhole(MirrorClient.Answer a, byte[] expected, String what) {
    boolean wholeAnswer = a.status() / 100 == 2 && a.complete();
    assertThat(wholeAnswer)
        .as(what + ": status " + a.status() + ", " + a.body().length + " bytes, error " + a.error())
        .isFalse();
    if (a.status() == 200) {
      assertThat(a.body().length).as(what).isLessThan(expected.length);
    }
  }

  /**
   * Like {@link #assertNotServedWhole}, and what did arrive was right (the upstream's bytes were).
   */
  private static void assertCutShort(MirrorClient.Answer a, byte[] expected, String what) {
    assertNotServedWhole(a, expected, what);
    assertThat(a.body()).as(what).isEqualTo(Arrays.copyOf(expected, a.body().length));
  }

  @Test
  void corruptUpstreamBytes_areNeverServedWholeNorCached() throws Exception {
    proxy.corruptBlobs(true);
    for (Digest d : new Digest[] {bigLayer(), smallLayer()}) {
      MirrorClient.Answer a = client.get(blobPath(REPO, d));
      assertNotServedWhole(a, image.blob(d), d.toString());
      assertThat(agent.store().contains(d)).as(d.toString()).isFalse();
      assertThat(agent.store().info(d)).as(d + " leaves no partial behind").isEmpty();
    }
    // A range over the damaged middle that ends before the last piece: never answered whole.
    byte[] big = image.blob(bigLayer());
    MirrorClient.Answer range =
        client.get(blobPath(REPO, bigLayer()), "Range", "bytes=0-" + (4 * MIB));
    boolean wholeButWrong =
        range.status() == 206
            && range.complete()
            && !Arrays.equals(range.body(), Arrays.copyOf(big, 4 * MIB + 1));
    assertThat(wholeButWrong)
        .as("range of a corrupt blob: status " + range.status() + " error " + range.error())
        .isFalse();
    assertThat(agent.store().contains(bigLayer())).isFalse();

    proxy.corruptBlobs(false);
    MirrorClient.Answer good = client.get(blobPath(REPO, bigLayer()));
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.body()).isEqualTo(image.blob(bigLayer()));
    assertThat(TestAgents.eventuallyHeld(agent, bigLayer())).isTrue();
  }

  @Test
  void upstreamCutMidBlob_failsNow_andTheNextPullSucceeds() throws Exception {
    proxy.cutBlobsAfter(300_000);
    MirrorClient.Answer cut = client.get(blobPath(REPO, bigLayer()));
    assertCutShort(cut, image.blob(bigLayer()), "cut");
    assertThat(agent.store().contains(bigLayer())).isFalse();

    proxy.cutBlobsAfter(-1);
    MirrorClient.Answer next = client.get(blobPath(REPO, bigLayer()));
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.complete()).isTrue();
    assertThat(next.body()).isEqualTo(image.blob(bigLayer()));
    assertThat(TestAgents.eventuallyHeld(agent, bigLayer())).isTrue();
  }

  @Test
  void upstreamCutRepeatedly_failsAndTheNextPullResumes() throws Exception {
    // Every answer breaks after 1.5 MiB: each attempt keeps what arrived, until the fetch gives up.
    proxy.cutBlobsAfter(3 * MIB / 2);
    byte[] blob = image.blob(bigLayer());
    MirrorClient.Answer cut = client.get(blobPath(REPO, bigLayer()));
    assertCutShort(cut, blob, "cut");
    assertThat(agent.store().contains(bigLayer())).isFalse();
    assertThat(agent.store().info(bigLayer()).orElseThrow().piecesHeld()).isPositive();

    proxy.cutBlobsAfter(-1);
    proxy.resetCounts();
    MirrorClient.Answer next = client.get(blobPath(REPO, bigLayer()));
    assertThat(next.body()).isEqualTo(blob);
    assertThat(proxy.blobBytes())
        .as("the next pull fetches only what is missing")
        .isPositive()
        .isLessThan(blob.length);
    assertThat(TestAgents.eventuallyHeld(agent, bigLayer())).isTrue();
  }

  @Test
  void clientLeavingMidDownload_doesNotCancelTheFetchOthersWaitOn() throws Exception {
    UpstreamProxy.Hold hold = proxy.holdBlobsAfter(3 * MIB);
    Digest layer = bigLayer();
    Socket leaving = new Socket(agent.uri().getHost(), agent.uri().getPort());
    leaving.setSoTimeout(10_000);
    leaving
        .getOutputStream()
        .write(
            ("GET " + blobPath(REPO, layer) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(hold.awaitHeld(Duration.ofSeconds(10))).isTrue();
    // The head comes as a request joins the download: this client now waits on the same fetch.
    HttpResponse<InputStream> staying = client.send("GET", blobPath(REPO, layer));
    assertThat(staying.statusCode()).isEqualTo(200);
    try (leaving) {
      InputStream in = leaving.getInputStream();
      String head = readHead(in);
      assertThat(head)
          .startsWith("HTTP/1.1 200 ")
          .contains("content-length: " + image.blob(layer).length);
      assertThat(in.readNBytes(MIB)).isEqualTo(Arrays.copyOf(image.blob(layer), MIB));
    } // the client is gone mid-body
    assertThat(agent.fetches().inFlight()).isEqualTo(1);

    hold.release();
    try (InputStream body = staying.body()) {
      assertThat(body.readAllBytes()).isEqualTo(image.blob(layer));
    }
    assertThat(TestAgents.eventuallyHeld(agent, layer)).isTrue();
    assertThat(proxy.gets(blobPath(REPO, layer))).isEqualTo(1);
  }

  /** The response head up to its blank line, with header names lowercased. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed in the response head: " + head);
      }
      head.append((char) c);
    }
    return head.toString().toLowerCase(Locale.ROOT).replace("http/1.1", "HTTP/1.1");
  }
}
