package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageIndex;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.testing.Blobs;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import dev.shoal.origin.testing.RegistryHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The origin's registry API over real HTTP on loopback, with real stores on disk. */
class DistributionApiTest {
  private static final String ADMIN_PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  private OriginMain origin;
  private RegistryHttp http;

  @BeforeEach
  void start() throws Exception {
    restart();
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private void restart() throws Exception {
    if (origin != null) {
      origin.close();
    }
    OriginConfig config =
        OriginConfig.defaults(dir)
            .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
            .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0)));
    origin =
        OriginMain.start(
            config, Clock.systemUTC(), Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD), System.out);
    http = new RegistryHttp(origin.uri(), RegistryHttp.basic("admin", ADMIN_PASSWORD));
  }

  private Digest pushMonolithic(String repo, byte[] bytes) throws Exception {
    Digest d = Digest.sha256Of(bytes);
    HttpResponse<byte[]> r =
        http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, bytes);
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).contains("/v2/" + repo + "/blobs/" + d);
    assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(d.toString());
    return d;
  }

  private byte[] manifest(Descriptor config, Descriptor... layers) {
    return ImageManifest.of(config, List.of(layers)).raw();
  }

  @Test
  void monolithicPush_thenHeadGetAndRange() throws Exception {
    byte[] bytes = Blobs.random(1, 200_000);
    Digest d = pushMonolithic("team/app", bytes);

    HttpResponse<byte[]> head = http.head("/v2/team/app/blobs/" + d);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).contains("200000");
    assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(d.toString());

    HttpResponse<byte[]> get = http.get("/v2/team/app/blobs/" + d);
    assertThat(get.body()).isEqualTo(bytes);

    HttpResponse<byte[]> part = http.get("/v2/team/app/blobs/" + d, "Range", "bytes=1000-1999");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 1000-1999/200000");
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));

    assertThat(http.get("/v2/team/app/blobs/" + d, "Range", "bytes=300000-").statusCode())
        .isEqualTo(416);
  }

  @Test
  void chunkedPush_inOrderChunksAndOutOfOrderRefused() throws Exception {
    byte[] bytes = Blobs.random(2, 300_000);
    Digest d = Digest.sha256Of(bytes);
    HttpResponse<byte[]> start = http.send("POST", "/v2/app/blobs/uploads/", null);
    assertThat(start.statusCode()).isEqualTo(202);
    String location = start.headers().firstValue("Location").orElseThrow();

    HttpResponse<byte[]> first =
        http.send(
            "PATCH",
            location,
            Arrays.copyOfRange(bytes, 0, 100_000),
            "Content-Range",
            "0-99999",
            "Content-Type",
            "application/octet-stream");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Range")).contains("0-99999");

    HttpResponse<byte[]> skipped =
        http.send(
            "PATCH",
            location,
            Arrays.copyOfRange(bytes, 200_000, 300_000),
            "Content-Range",
            "200000-299999");
    assertThat(skipped.statusCode()).isEqualTo(416);
    assertThat(skipped.headers().firstValue("Range")).contains("0-99999");

    assertThat(http.get(location).headers().firstValue("Range")).contains("0-99999");
    assertThat(
            http.send(
                    "PATCH",
                    location,
                    Arrays.copyOfRange(bytes, 100_000, 200_000),
                    "Content-Range",
                    "100000-199999")
                .statusCode())
        .isEqualTo(202);
    HttpResponse<byte[]> done =
        http.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(bytes, 200_000, 300_000));
    assertThat(done.statusCode()).as(RegistryHttp.text(done)).isEqualTo(201);
    assertThat(http.get("/v2/app/blobs/" + d).body()).isEqualTo(bytes);
  }

  @Test
  void uploadWithWrongDigest_isRefusedAndLeavesNothing() throws Exception {
    byte[] bytes = Blobs.random(3, 5000);
    Digest other = Digest.sha256Of(Blobs.random(4, 5000));
    HttpResponse<byte[]> r = http.send("POST", "/v2/app/blobs/uploads/?digest=" + other, bytes);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(r)).contains("\"code\":\"DIGEST_INVALID\"");
    assertThat(http.head("/v2/app/blobs/" + other).statusCode()).isEqualTo(404);
    assertThat(http.head("/v2/app/blobs/" + Digest.sha256Of(bytes)).statusCode()).isEqualTo(404);
  }

  @Test
  void manifestPush_byTag_isServedByteExactByTagAndDigest() throws Exception {
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = Blobs.random(5, 10_000);
    pushMonolithic("app", config);
    pushMonolithic("app", layer);
    byte[] raw =
        manifest(
            Descriptor.of(MediaTypes.OCI_CONFIG, config),
            Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer));
    Digest md = Digest.sha256Of(raw);

    HttpResponse<byte[]> put =
        http.send("PUT", "/v2/app/manifests/v1", raw, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(put.statusCode()).as(RegistryHttp.text(put)).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(md.toString());

    for (String ref : List.of("v1", md.toString())) {
      HttpResponse<byte[]> get =
          http.get("/v2/app/manifests/" + ref, "Accept", MediaTypes.OCI_MANIFEST);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(raw);
      assertThat(get.headers().firstValue("Content-Type")).contains(MediaTypes.OCI_MANIFEST);
      assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(md.toString());
    }
    HttpResponse<byte[]> tags = http.get("/v2/app/tags/list");
    assertThat(RegistryHttp.text(tags)).isEqualTo("{\"name\":\"app\",\"tags\":[\"v1\"]}");
  }

  @Test
  void withoutCredentials_everyEndpointChallengesWithTheTokenRealm() throws Exception {
    RegistryHttp anonymous = new RegistryHttp(origin.uri());
    for (String path :
        List.of("/v2/app/manifests/v1", "/v2/app/tags/list", "/v2/app/blobs/uploads/")) {
      HttpResponse<byte[]> r =
          path.endsWith("/") ? anonymous.send("POST", path, null) : anonymous.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith(
              "Bearer realm=\""
                  + origin.uri()
                  + "/token\",service=\"shoal\",scope=\"repository:app:");
      assertThat(RegistryHttp.text(r)).contains("UNAUTHORIZED");
    }
    RegistryHttp wrong = new RegistryHttp(origin.uri(), RegistryHttp.basic("admin", "guess"));
    assertThat(wrong.get("/v2/app/tags/list").statusCode()).isEqualTo(401);
  }

  @Test
  void versionCheck_challengesAnonymousCallersAndAcceptsValidCredentials() throws Exception {
    HttpResponse<byte[]> anonymous = new RegistryHttp(origin.uri()).get("/v2/");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"" + origin.uri() + "/token\",service=\"shoal\"");

    HttpResponse<byte[]> ok = http.get("/v2/");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(RegistryHttp.text(ok)).isEqualTo("{}");
    assertThat(ok.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
    HttpResponse<byte[]> head = http.head("/v2/");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void tokenFromTheRealm_authorizesPushAndPull() throws Exception {
    RegistryHttp basic =
        new RegistryHttp(origin.uri(), RegistryHttp.basic("admin", ADMIN_PASSWORD));
    HttpResponse<byte[]> t = basic.get("/token?service=shoal&scope=repository:team/app:pull,push");
    assertThat(t.statusCode()).isEqualTo(200);
    String token =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(t.body()).path("token").asText();
    RegistryHttp bearer = new RegistryHttp(origin.uri(), "Bearer " + token);
    byte[] bytes = Blobs.random(12, 1000);
    Digest d = Digest.sha256Of(bytes);
    assertThat(bearer.send("POST", "/v2/team/app/blobs/uploads/?digest=" + d, bytes).statusCode())
        .isEqualTo(201);
    assertThat(bearer.get("/v2/team/app/blobs/" + d).body()).isEqualTo(bytes);
    // The token names team/app only.
    HttpResponse<byte[]> other = bearer.get("/v2/team/other/tags/list");
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"");
  }

  @Test
  void unknownManifest_isAnOciErrorWithTheApiVersionHeader() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/library/busybox/manifests/latest");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
    assertThat(RegistryHttp.text(r)).startsWith("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"");
  }

  @Test
  void manifestNamingMissingBlob_isManifestBlobUnknown() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    pushMonolithic("app", config);
    byte[] raw =
        manifest(
            Descriptor.of(MediaTypes.OCI_CONFIG, config),
            Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, Blobs.random(6, 100)));
    HttpResponse<byte[]> r =
        http.send("PUT", "/v2/app/manifests/v1", raw, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(r)).contains("MANIFEST_BLOB_UNKNOWN");
    assertThat(http.get("/v2/app/manifests/v1").statusCode()).isEqualTo(404);
  }

  @Test
  void badManifests_areRefusedWithTheSpecsCodes() throws Exception {
    HttpResponse<byte[]> malformed =
        http.send(
            "PUT",
            "/v2/app/manifests/v1",
            "{not json".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            MediaTypes.OCI_MANIFEST);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(malformed)).contains("MANIFEST_INVALID");

    HttpResponse<byte[]> huge =
        http.send(
            "PUT",
            "/v2/app/manifests/v1",
            new byte[5 << 20],
            "Content-Type",
            MediaTypes.OCI_MANIFEST);
    assertThat(huge.statusCode()).isEqualTo(413);

    HttpResponse<byte[]> badName = http.get("/v2/Team/App/manifests/v1");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(badName)).contains("NAME_INVALID");
    assertThat(http.get("/v2/a/../b/manifests/v1").statusCode()).isIn(400, 404);
  }

  @Test
  void mount_sparesTheUploadAndOnlyFromARepositoryThatHoldsIt() throws Exception {
    byte[] bytes = Blobs.random(7, 50_000);
    Digest d = pushMonolithic("one", bytes);
    assertThat(http.head("/v2/two/blobs/" + d).statusCode()).isEqualTo(404);

    HttpResponse<byte[]> mount =
        http.send("POST", "/v2/two/blobs/uploads/?mount=" + d + "&from=one", null);
    assertThat(mount.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/two/blobs/" + d).body()).isEqualTo(bytes);

    HttpResponse<byte[]> notHeld =
        http.send("POST", "/v2/three/blobs/uploads/?mount=" + d + "&from=nowhere", null);
    assertThat(notHeld.statusCode()).isEqualTo(202);
  }

  @Test
  void availability_answersManyDigestsInOneRequestPerRepository() throws Exception {
    Digest held = pushMonolithic("app", Blobs.random(9, 4000));
    Digest elsewhere = pushMonolithic("other", Blobs.random(10, 3000));
    Digest absent = Digest.sha256Of(Blobs.random(11, 10));
    String body = "{\"digests\":[\"" + held + "\",\"" + elsewhere + "\",\"" + absent + "\"]}";

    HttpResponse<byte[]> r =
        http.send(
            "POST",
            "/v2/app/blobs/availability",
            body.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");

    assertThat(r.statusCode()).isEqualTo(200);
    // A blob of another repository counts as missing here: holding it must be proven by a mount.
    assertThat(RegistryHttp.text(r))
        .isEqualTo(
            "{\"available\":[{\"digest\":\""
                + held
                + "\",\"size\":4000}],"
                + "\"missing\":[\""
                + elsewhere
                + "\",\""
                + absent
                + "\"]}");
    HttpResponse<byte[]> bad =
        http.send(
            "POST",
            "/v2/app/blobs/availability",
            "{\"digests\":[\"sha256:nope\"]}".getBytes(StandardCharsets.UTF_8));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(bad)).contains("DIGEST_INVALID");
  }

  @Test
  void tagsList_paginatesWithLink() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    pushMonolithic("app", config);
    byte[] raw = manifest(Descriptor.of(MediaTypes.OCI_CONFIG, config));
    for (String tag : List.of("c", "a", "b")) {
      assertThat(
              http.send(
                      "PUT",
                      "/v2/app/manifests/" + tag,
                      raw,
                      "Content-Type",
                      MediaTypes.OCI_MANIFEST)
                  .statusCode())
          .isEqualTo(201);
    }
    HttpResponse<byte[]> page = http.get("/v2/app/tags/list?n=2");
    assertThat(RegistryHttp.text(page)).isEqualTo("{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}");
    assertThat(page.headers().firstValue("Link"))
        .contains("</v2/app/tags/list?n=2&last=b>; rel=\"next\"");
    assertThat(RegistryHttp.text(http.get("/v2/app/tags/list?n=2&last=b")))
        .isEqualTo("{\"name\":\"app\",\"tags\":[\"c\"]}");
    assertThat(http.get("/v2/nothing/tags/list").statusCode()).isEqualTo(404);
  }

  @Test
  void deleteTagThenManifest() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    pushMonolithic("app", config);
    byte[] raw = manifest(Descriptor.of(MediaTypes.OCI_CONFIG, config));
    Digest md = Digest.sha256Of(raw);
    http.send("PUT", "/v2/app/manifests/v1", raw, "Content-Type", MediaTypes.OCI_MANIFEST);

    assertThat(http.send("DELETE", "/v2/app/manifests/v1", null).statusCode()).isEqualTo(202);
    assertThat(http.get("/v2/app/manifests/v1").statusCode()).isEqualTo(404);
    assertThat(http.get("/v2/app/manifests/" + md).statusCode()).isEqualTo(200);
    assertThat(http.send("DELETE", "/v2/app/manifests/" + md, null).statusCode()).isEqualTo(202);
    assertThat(http.get("/v2/app/manifests/" + md).statusCode()).isEqualTo(404);
  }

  @Test
  void deletingAChildOfAnIndex_isRefusedUntilTheIndexIsDeleted() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    pushMonolithic("multi", config);
    List<Descriptor> children = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      byte[] layer = Blobs.random(20 + i, 1000);
      pushMonolithic("multi", layer);
      byte[] child =
          manifest(
              Descriptor.of(MediaTypes.OCI_CONFIG, config),
              Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer));
      Digest d = Digest.sha256Of(child);
      HttpResponse<byte[]> put =
          http.send(
              "PUT", "/v2/multi/manifests/" + d, child, "Content-Type", MediaTypes.OCI_MANIFEST);
      assertThat(put.statusCode()).as(RegistryHttp.text(put)).isEqualTo(201);
      children.add(Descriptor.of(MediaTypes.OCI_MANIFEST, child));
    }
    byte[] index = ImageIndex.of(children).raw();
    Digest indexDigest = Digest.sha256Of(index);
    HttpResponse<byte[]> putIndex =
        http.send("PUT", "/v2/multi/manifests/latest", index, "Content-Type", MediaTypes.OCI_INDEX);
    assertThat(putIndex.statusCode()).as(RegistryHttp.text(putIndex)).isEqualTo(201);
    String child0 = "/v2/multi/manifests/" + children.get(0).digest();

    HttpResponse<byte[]> refused = http.send("DELETE", child0, null);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(RegistryHttp.text(refused))
        .contains("\"code\":\"DENIED\"")
        .contains(indexDigest.toString());
    assertThat(http.get(child0).statusCode()).as("the child is still there").isEqualTo(200);
    assertThat(http.get("/v2/multi/manifests/latest").body()).isEqualTo(index);
    // Deleting the tag leaves the index, which still holds its children.
    assertThat(http.send("DELETE", "/v2/multi/manifests/latest", null).statusCode()).isEqualTo(202);
    assertThat(http.send("DELETE", child0, null).statusCode()).isEqualTo(409);

    assertThat(http.send("DELETE", "/v2/multi/manifests/" + indexDigest, null).statusCode())
        .isEqualTo(202);
    for (Descriptor child : children) {
      String url = "/v2/multi/manifests/" + child.digest();
      assertThat(http.send("DELETE", url, null).statusCode()).isEqualTo(202);
      assertThat(http.get(url).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void chunkedUpload_continuesAfterAnOriginRestart() throws Exception {
    byte[] bytes = Blobs.random(8, 150_000);
    Digest d = Digest.sha256Of(bytes);
    String location =
        http.send("POST", "/v2/app/blobs/uploads/", null)
            .headers()
            .firstValue("Location")
            .orElseThrow();
    http.send("PATCH", location, Arrays.copyOfRange(bytes, 0, 70_000), "Content-Range", "0-69999");

    restart();

    assertThat(http.get(location).headers().firstValue("Range")).contains("0-69999");
    assertThat(
            http.send(
                    "PATCH",
                    location,
                    Arrays.copyOfRange(bytes, 70_000, 150_000),
                    "Content-Range",
                    "70000-149999")
                .statusCode())
        .isEqualTo(202);
    assertThat(http.send("PUT", location + "?digest=" + d, null).statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/app/blobs/" + d).body()).isEqualTo(bytes);
  }
}
