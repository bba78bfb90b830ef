package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.Blobs;
import dev.shoal.origin.testing.RegistryHttp;
import dev.shoal.origin.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which images use a layer, and which repositories hold a manifest (DESIGN.md S4), over real HTTP
 * after real pushes, as each tenant sees it.
 */
class UsageQueriesHttpTest {
  @TempDir Path dir;
  private TestOrigin origin;

  // In every image; in alice's app (and bob's copy of it); only in alice's tool.
  private final byte[] base = Blobs.random(1, 4000);
  private final byte[] appLayer = Blobs.random(2, 3000);
  private final byte[] toolLayer = Blobs.random(3, 2000);
  private Digest appManifest;
  private Digest toolManifest;
  private Digest bobManifest;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(dir, Clock.systemUTC(), "alice", "bob");
    RegistryClient alice = origin.client("alice");
    RegistryClient bob = origin.client("bob");
    byte[] app = image(alice, "alice/app", "config-app", base, appLayer);
    appManifest = alice.putManifest("alice/app", "v1", app, MediaTypes.OCI_MANIFEST);
    alice.putManifest("alice/app", "latest", app, MediaTypes.OCI_MANIFEST);
    image(alice, "alice/mirror", "config-app", base, appLayer);
    alice.putManifest("alice/mirror", appManifest.toString(), app, MediaTypes.OCI_MANIFEST);
    byte[] tool = image(alice, "alice/tool", "config-tool", base, toolLayer);
    toolManifest = alice.putManifest("alice/tool", "stable", tool, MediaTypes.OCI_MANIFEST);
    byte[] bobs = image(bob, "bob/app", "config-bob", base);
    bobManifest = bob.putManifest("bob/app", "v1", bobs, MediaTypes.OCI_MANIFEST);
    // Bob holds alice's manifest too (same bytes, same digest), in his own namespace.
    image(bob, "bob/copy", "config-app", base, appLayer);
    bob.putManifest("bob/copy", "v1", app, MediaTypes.OCI_MANIFEST);
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  /** Pushes a config and layers to {@code repo}; returns the manifest bytes (not pushed). */
  private static byte[] image(RegistryClient client, String repo, String config, byte[]... layers)
      throws Exception {
    byte[] configBytes =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]},\"comment\":\""
                + config
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor c = Descriptor.of(MediaTypes.OCI_CONFIG, configBytes);
    client.pushBlob(repo, c.digest(), configBytes);
    List<Descriptor> descriptors = new ArrayList<>();
    for (byte[] layer : layers) {
      Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
      client.pushBlob(repo, d.digest(), layer);
      descriptors.add(d);
    }
    return ImageManifest.of(c, descriptors).raw();
  }

  private String images(String user, Digest layer) throws Exception {
    HttpResponse<byte[]> r = origin.as(user).get("/shoal/v1/layers/" + layer + "/images");
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(200);
    return RegistryHttp.text(r);
  }

  private String repositories(String user, Digest manifest) throws Exception {
    HttpResponse<byte[]> r =
        origin.as(user).get("/shoal/v1/manifests/" + manifest + "/repositories");
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(200);
    return RegistryHttp.text(r);
  }

  private static String image(String repo, Digest manifest, String tags) {
    return "{\"repository\":\""
        + repo
        + "\",\"digest\":\""
        + manifest
        + "\",\"tags\":"
        + tags
        + "}";
  }

  @Test
  void adminSeesEveryImageUsingALayer_withTags() throws Exception {
    assertThat(images("admin", Digest.sha256Of(base)))
        .isEqualTo(
            "{\"layer\":\""
                + Digest.sha256Of(base)
                + "\",\"images\":["
                + String.join(
                    ",",
                    image("alice/app", appManifest, "[\"latest\",\"v1\"]"),
                    image("alice/mirror", appManifest, "[]"),
                    image("alice/tool", toolManifest, "[\"stable\"]"),
                    image("bob/app", bobManifest, "[\"v1\"]"),
                    image("bob/copy", appManifest, "[\"v1\"]"))
                + "]}");
    assertThat(repositories("admin", appManifest))
        .isEqualTo(
            "{\"manifest\":\""
                + appManifest
                + "\",\"repositories\":[\"alice/app\",\"alice/mirror\",\"bob/copy\"]}");
  }

  @Test
  void aTenantSeesOnlyItsOwnNamespace() throws Exception {
    assertThat(images("alice", Digest.sha256Of(base)))
        .contains("alice/app", "alice/mirror", "alice/tool")
        .doesNotContain("bob/");
    assertThat(images("bob", Digest.sha256Of(base)))
        .contains("bob/app", "bob/copy")
        .doesNotContain("alice/");
    assertThat(repositories("alice", appManifest))
        .endsWith("\"repositories\":[\"alice/app\",\"alice/mirror\"]}");
    assertThat(repositories("bob", appManifest)).endsWith("\"repositories\":[\"bob/copy\"]}");
  }

  @Test
  void anotherTenantsDigestAnswersExactlyLikeAnUnknownOne() throws Exception {
    Digest unknown = Digest.sha256Of(Blobs.random(99, 10));
    Digest alicesLayer = Digest.sha256Of(toolLayer);
    assertThat(images("alice", alicesLayer)).contains("alice/tool");

    assertThat(images("bob", alicesLayer))
        .isEqualTo("{\"layer\":\"" + alicesLayer + "\",\"images\":[]}");
    assertThat(images("bob", unknown)).isEqualTo("{\"layer\":\"" + unknown + "\",\"images\":[]}");
    assertThat(repositories("bob", toolManifest))
        .isEqualTo("{\"manifest\":\"" + toolManifest + "\",\"repositories\":[]}");
    assertThat(repositories("bob", unknown))
        .isEqualTo("{\"manifest\":\"" + unknown + "\",\"repositories\":[]}");
  }

  @Test
  void aDeletedManifestNoLongerUsesItsLayers() throws Exception {
    HttpResponse<byte[]> delete =
        origin.as("alice").send("DELETE", "/v2/alice/tool/manifests/" + toolManifest, null);
    assertThat(delete.statusCode()).isEqualTo(202);

    assertThat(images("alice", Digest.sha256Of(base))).doesNotContain("alice/tool");
    assertThat(repositories("alice", toolManifest)).endsWith("\"repositories\":[]}");
  }

  @Test
  void malformedDigestIs400_noCredentialsIs401() throws Exception {
    for (String bad : List.of("sha256:xyz", "latest", "sha256:" + "A".repeat(64))) {
      HttpResponse<byte[]> r = origin.as("alice").get("/shoal/v1/layers/" + bad + "/images");
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(RegistryHttp.text(r)).contains("DIGEST_INVALID");
    }
    HttpResponse<byte[]> r = origin.as("alice").get("/shoal/v1/manifests/sha256:12/repositories");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(r)).contains("DIGEST_INVALID");

    Digest layer = Digest.sha256Of(base);
    assertThat(origin.anonymous().get("/shoal/v1/layers/" + layer + "/images").statusCode())
        .isEqualTo(401);
  }
}
