package dev.shoal.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.testing.CncfRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient} against the real CNCF registry; skipped where it is not installed. */
class RegistryClientCncfTest {
  @TempDir static Path dir;
  private static CncfRegistry registry;
  private static RegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(dir);
    client = RegistryClient.builder(registry.baseUri()).userAgent("shoal-test").build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void pushBlob_monolithic_pullsBackByteExact_andFromAnOffset() throws Exception {
    byte[] blob = random(300_000, 1);
    Digest d = Digest.sha256Of(blob);
    client.pushBlob("mono/app", d, blob.length, new ByteArrayInputStream(blob));

    assertThat(client.blobExists("mono/app", d)).hasValue(blob.length);
    try (InputStream in = client.openVerifiedBlob("mono/app", d, blob.length)) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
    try (InputStream in = client.openBlob("mono/app", d, 123_456)) {
      assertThat(in.readAllBytes())
          .isEqualTo(java.util.Arrays.copyOfRange(blob, 123_456, blob.length));
    }
  }

  @Test
  void openBlobRange_readsExactlyThatRange_fromTheRealRegistry() throws Exception {
    byte[] blob = random(300_000, 3);
    Digest d = Digest.sha256Of(blob);
    client.pushBlob("ranges/app", d, blob.length, new ByteArrayInputStream(blob));

    try (InputStream in = client.openBlobRange("ranges/app", d, 100_000, 200_000)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(blob, 100_000, 200_000));
    }
    try (InputStream in = client.openBlobRange("ranges/app", d, 299_999, 300_000)) {
      assertThat(in.readAllBytes()).containsExactly(blob[299_999]);
    }
    assertThatThrownBy(() -> client.openBlobRange("ranges/app", d, 5, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pushBlob_fromBytes_fallsBackToPutWhenPostOpensAnUpload() throws Exception {
    byte[] blob = "{\"small\":true}".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256Of(blob);
    client.pushBlob("bytes/app", d, blob);
    assertThat(client.blobExists("bytes/app", d)).hasValue(blob.length);
  }

  @Test
  void pushBlobChunked_pullsBackByteExact() throws Exception {
    byte[] blob = random(200_001, 2);
    Digest d = Digest.sha256Of(blob);
    client.pushBlobChunked("chunked/app", d, new ByteArrayInputStream(blob), 65_536);
    try (InputStream in = client.openVerifiedBlob("chunked/app", d, blob.length)) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
  }

  @Test
  void pushBlobChunked_refusesContentThatIsNotTheDigest() throws Exception {
    byte[] blob = random(1000, 3);
    Digest other = Digest.sha256Of(new byte[] {1});
    assertThatThrownBy(
            () -> client.pushBlobChunked("chunked/bad", other, new ByteArrayInputStream(blob), 300))
        .isInstanceOf(dev.shoal.core.digest.DigestMismatchException.class);
    assertThat(client.blobExists("chunked/bad", other)).isEmpty();
  }

  @Test
  void putManifest_pullsBackByteExact_byTagAndDigest_andHead() throws Exception {
    byte[] manifest = pushImage("img/app");
    Digest d = client.putManifest("img/app", "v1", manifest, MediaTypes.OCI_MANIFEST);
    assertThat(d).isEqualTo(Digest.sha256Of(manifest));

    FetchedManifest byTag = client.manifest("img/app", "v1", List.of());
    assertThat(byTag.bytes()).isEqualTo(manifest);
    assertThat(byTag.digest()).isEqualTo(d);
    assertThat(MediaTypes.essence(byTag.contentType())).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(client.manifest("img/app", d.toString(), List.of()).bytes()).isEqualTo(manifest);
    assertThat(client.headManifest("img/app", "v1", List.of()))
        .contains(Descriptor.of(MediaTypes.OCI_MANIFEST, d, manifest.length));
  }

  @Test
  void deleteManifest_thenItIsGone() throws Exception {
    byte[] manifest = pushImage("del/app");
    Digest d = client.putManifest("del/app", "gone", manifest, MediaTypes.OCI_MANIFEST);
    client.deleteManifest("del/app", d.toString());
    assertThat(client.headManifest("del/app", d.toString(), List.of())).isEmpty();
  }

  @Test
  void missingBlobAndManifest_areNotFound_withTheOciCode() throws Exception {
    Digest absent = Digest.sha256Of("absent".getBytes(StandardCharsets.UTF_8));
    pushImage("nf/app");
    assertThat(client.blobExists("nf/app", absent)).isEmpty();
    assertThatThrownBy(() -> client.openBlob("nf/app", absent, 0))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.codes()).containsExactly("BLOB_UNKNOWN"));
    assertThatThrownBy(() -> client.manifest("nf/app", "nope", List.of()))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> assertThat(e.codes()).containsExactly("MANIFEST_UNKNOWN"));
    assertThat(client.headManifest("nf/app", "nope", List.of())).isEmpty();
  }

  @Test
  void mountBlob_acrossRepositories() throws Exception {
    byte[] blob = random(5000, 4);
    Digest d = Digest.sha256Of(blob);
    client.pushBlob("mount/src", d, blob);
    assertThat(client.blobExists("mount/dst", d)).isEmpty();

    assertThat(client.mountBlob("mount/dst", d, "mount/src")).isTrue();
    assertThat(client.blobExists("mount/dst", d)).hasValue(blob.length);
    Digest absent = Digest.sha256Of(random(10, 5));
    assertThat(client.mountBlob("mount/dst", absent, "mount/src")).isFalse();
  }

  @Test
  void tags_followsPagination() throws Exception {
    byte[] manifest = pushImage("tags/app");
    List<String> names = List.of("a1", "b2", "c3", "d4", "e5");
    for (String t : names) {
      client.putManifest("tags/app", t, manifest, MediaTypes.OCI_MANIFEST);
    }
    // Registry 2.8 sorts each page, not the whole list: only the set is compared.
    assertThat(client.tags("tags/app", 2)).containsExactlyInAnyOrderElementsOf(names);
    assertThat(client.tags("tags/app")).containsExactlyInAnyOrderElementsOf(names);
  }

  /** Pushes a config and a layer to {@code repo} and returns a manifest of them. */
  private static byte[] pushImage(String repo) throws Exception {
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = random(1024, repo.hashCode());
    client.pushBlob(repo, Digest.sha256Of(config), config);
    client.pushBlob(repo, Digest.sha256Of(layer), layer);
    String json =
        "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \""
            + MediaTypes.OCI_MANIFEST
            + "\",\n  \"config\": {\"mediaType\": \""
            + MediaTypes.OCI_CONFIG
            + "\", \"digest\": \""
            + Digest.sha256Of(config)
            + "\", \"size\": "
            + config.length
            + "},\n  \"layers\": [{\"mediaType\": \""
            + MediaTypes.OCI_LAYER_TAR_GZIP
            + "\", \"digest\": \""
            + Digest.sha256Of(layer)
            + "\", \"size\": "
            + layer.length
            + "}]\n}\n";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
