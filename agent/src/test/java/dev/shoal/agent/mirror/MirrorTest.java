package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static dev.shoal.agent.mirror.MirrorClient.manifestPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.UpstreamConfig;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls through a real agent from the CNCF registry, as a container runtime does: manifests and
 * blobs byte-exact with their headers, ranges, HEAD, and the second pull served locally. What the
 * upstream sent is counted by a proxy between the two.
 */
@Timeout(60)
class MirrorTest extends ProxiedMirror {
  private static final int MIB = 1 << 20;
  private static final String REPO = "team/app";
  private static final String TAG = "v1";
  private static final String INDEX_TAG = "v1-index";

  @TempDir static Path registryDir;
  @AutoClose private static CncfRegistry registry;
  private static RegistryClient push;
  private static LayeredImage image;

  @BeforeAll
  static void pushImage() throws Exception {
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(registryDir);
    push = registry.client();
    image = LayeredImage.random(1, 3 * MIB + 17, 5 * MIB, 2 * MIB + 1);
    image.push(push, REPO, TAG);
    image.pushIndex(push, REPO, INDEX_TAG);
  }

  @BeforeEach
  void start() throws Exception {
    startAgent(registry.baseUri());
  }

  @Test
  void manifestByTagAndByDigest_areByteExactWithTypeAndDigest() throws Exception {
    String digest = image.manifest().digest().toString();
    for (String ref : new String[] {TAG, digest}) {
      MirrorClient.Answer m = client.manifest(manifestPath(REPO, ref));
      assertThat(m.status()).as(ref).isEqualTo(200);
      assertThat(m.body()).as(ref).isEqualTo(image.manifest().raw());
      assertThat(m.header("Content-Type")).as(ref).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(m.header("Docker-Content-Digest")).as(ref).isEqualTo(digest);
      assertThat(m.contentLength()).as(ref).hasValue(image.manifest().size());
    }

    MirrorClient.Answer head = client.head(manifestPath(REPO, TAG), "Accept", "*/*");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.contentLength()).hasValue(image.manifest().size());
    assertThat(head.header("Docker-Content-Digest")).isEqualTo(digest);
    assertThat(head.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);

    // The tag was resolved once, the manifest fetched once; the rest came from the agent.
    assertThat(proxy.requests("HEAD", manifestPath(REPO, TAG))).isEqualTo(1);
    assertThat(proxy.gets(manifestPath(REPO, digest))).isEqualTo(1);
    assertThat(proxy.gets(manifestPath(REPO, TAG))).isZero();
  }

  @Test
  void indexByTag_isByteExact_andItsManifestFollows() throws Exception {
    MirrorClient.Answer index = client.manifest(manifestPath(REPO, INDEX_TAG));
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).isEqualTo(image.index().raw());
    assertThat(index.header("Content-Type")).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.header("Docker-Content-Digest")).isEqualTo(image.index().digest().toString());

    MirrorClient.Answer child =
        client.manifest(manifestPath(REPO, image.index().manifests().get(0).digest().toString()));
    assertThat(child.status()).isEqualTo(200);
    assertThat(child.body()).isEqualTo(image.manifest().raw());
    assertThat(child.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void blobs_areByteExact_andTheSecondPullSendsNoUpstreamBlobBytes() throws Exception {
    pullAll();
    assertThat(proxy.blobBytes()).isEqualTo(image.blobBytes());
    for (Digest d : image.blobDigests()) {
      assertThat(proxy.gets(blobPath(REPO, d))).as(d.toString()).isEqualTo(1);
      assertThat(TestAgents.eventuallyHeld(agent, d)).as(d.toString()).isTrue();
    }

    proxy.resetCounts();
    pullAll();
    assertThat(proxy.blobBytes()).isZero();
    assertThat(proxy.blobGets()).isZero();
  }

  private void pullAll() throws Exception {
    MirrorClient.Answer m = client.manifest(manifestPath(REPO, TAG));
    assertThat(m.body()).isEqualTo(image.manifest().raw());
    for (Digest d : image.blobDigests()) {
      MirrorClient.Answer b = client.get(blobPath(REPO, d));
      assertThat(b.status()).as(d.toString()).isEqualTo(200);
      assertThat(b.complete()).as(d.toString()).isTrue();
      assertThat(Arrays.equals(b.body(), image.blob(d))).as(d + " byte-exact").isTrue();
      assertThat(b.header("Docker-Content-Digest")).isEqualTo(d.toString());
      assertThat(b.header("Content-Type")).isEqualTo("application/octet-stream");
    }
  }

  @Test
  void rangeRequests_onColdAndWarmBlobs_are206WithContentRange() throws Exception {
    Digest layer = image.layerDigests().get(1);
    byte[] bytes = image.blob(layer);
    int size = bytes.length;
    String[][] ranges = {
      {"bytes=1000-1999", "1000", "1999"},
      {"bytes=" + (size - 10) + "-", String.valueOf(size - 10), String.valueOf(size - 1)},
      {"bytes=-300", String.valueOf(size - 300), String.valueOf(size - 1)},
      {"bytes=" + (MIB - 5) + "-" + (3 * MIB + 4), String.valueOf(MIB - 5), "" + (3 * MIB + 4)},
    };
    for (String when : new String[] {"cold", "warm"}) {
      for (String[] r : ranges) {
        MirrorClient.Answer a = client.get(blobPath(REPO, layer), "Range", r[0]);
        int start = Integer.parseInt(r[1]);
        int end = Integer.parseInt(r[2]);
        assertThat(a.status()).as(when + " " + r[0]).isEqualTo(206);
        assertThat(a.complete()).as(when + " " + r[0]).isTrue();
        assertThat(a.header("Content-Range"))
            .as(when + " " + r[0])
            .isEqualTo("bytes " + start + "-" + end + "/" + size);
        assertThat(a.body())
            .as(when + " " + r[0])
            .isEqualTo(Arrays.copyOfRange(bytes, start, end + 1));
      }
      assertThat(TestAgents.eventuallyHeld(agent, layer)).as(when).isTrue();
    }
    assertThat(proxy.gets(blobPath(REPO, layer))).isEqualTo(1);

    MirrorClient.Answer beyond = client.get(blobPath(REPO, layer), "Range", "bytes=" + size + "-");
    assertThat(beyond.status()).isEqualTo(416);
    assertThat(beyond.header("Content-Range")).isEqualTo("bytes */" + size);
  }

  @Test
  void head_onColdAndWarmBlobs_givesSizeAndDigestWithoutDownloading() throws Exception {
    Digest layer = image.layerDigests().get(0);
    MirrorClient.Answer cold = client.head(blobPath(REPO, layer));
    assertThat(cold.status()).isEqualTo(200);
    assertThat(cold.body()).isEmpty();
    assertThat(cold.contentLength()).hasValue(image.blob(layer).length);
    assertThat(cold.header("Docker-Content-Digest")).isEqualTo(layer.toString());
    assertThat(proxy.blobGets()).as("a HEAD downloads nothing").isZero();

    assertThat(client.get(blobPath(REPO, layer)).body()).isEqualTo(image.blob(layer));
    MirrorClient.Answer warm = client.head(blobPath(REPO, layer));
    assertThat(warm.status()).isEqualTo(200);
    assertThat(warm.body()).isEmpty();
    assertThat(warm.contentLength()).hasValue(image.blob(layer).length);
    assertThat(warm.header("Docker-Content-Digest")).isEqualTo(layer.toString());
  }

  @Test
  void ns_selectsTheUpstream_andOfficialDockerHubNamesGetLibrary() throws Exception {
    LayeredImage official = LayeredImage.random(5, 100_000);
    official.push(push, "library/busybox", "1.36");
    Digest layer = official.layerDigests().get(0);
    // The default upstream is down: only ?ns= can reach the registry, named as Docker Hub.
    URI nowhere = URI.create("http://127.0.0.1:1");
    UpstreamConfig hub =
        new UpstreamConfig("docker.io", proxy.uri(), Optional.empty(), Optional.empty());
    try (AgentMain agent =
        TestAgents.start(
            data.resolve("hub"),
            nowhere,
            Clock.systemUTC(),
            m -> m.withUpstreams(List.of(hub)),
            false)) {
      MirrorClient c = new MirrorClient(agent.uri());
      MirrorClient.Answer m = c.manifest("/v2/busybox/manifests/1.36?ns=docker.io");
      assertThat(m.status()).as(m.text()).isEqualTo(200);
      assertThat(m.body()).isEqualTo(official.manifest().raw());
      assertThat(c.get("/v2/busybox/blobs/" + layer + "?ns=docker.io").body())
          .isEqualTo(official.blob(layer));
      assertThat(proxy.gets(blobPath("library/busybox", layer))).isEqualTo(1);
      // Docker Hub's other names are the same registry.
      assertThat(c.manifest("/v2/library/busybox/manifests/1.36?ns=index.docker.io").body())
          .isEqualTo(official.manifest().raw());

      MirrorClient.Answer unknown = c.manifest("/v2/busybox/manifests/1.36?ns=quay.io");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.text()).contains("NAME_UNKNOWN").contains("quay.io");
      assertThat(c.manifest("/v2/busybox/manifests/1.36").status())
          .as("no ns: the default upstream, unreachable")
          .isEqualTo(502);
    }
  }

  @Test
  void unknownContent_is404WithTheOciCode() throws Exception {
    Digest missing = Digest.sha256Of(new byte[] {1, 2, 3});
    MirrorClient.Answer blob = client.get(blobPath(REPO, missing));
    assertThat(blob.status()).isEqualTo(404);
    assertThat(blob.text()).contains("\"code\":\"BLOB_UNKNOWN\"");
    MirrorClient.Answer tag = client.manifest(manifestPath(REPO, "no-such-tag"));
    assertThat(tag.status()).isEqualTo(404);
    assertThat(tag.text()).contains("\"code\":\"MANIFEST_UNKNOWN\"");
    assertThat(agent.store().contains(missing)).isFalse();
  }
}
