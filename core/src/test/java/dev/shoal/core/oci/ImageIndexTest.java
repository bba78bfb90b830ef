package dev.shoal.core.oci;

import static dev.shoal.core.oci.OciFixtures.bytes;
import static dev.shoal.core.oci.OciFixtures.digest;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageIndexTest {

  @Test
  void parse_readsManifestsWithPlatforms() {
    ImageIndex index = ImageIndex.parse(bytes(OciFixtures.OCI_INDEX));

    assertThat(index.manifests()).hasSize(2);
    Descriptor arm = index.manifests().get(0);
    assertThat(arm.digest()).isEqualTo(digest("arm64"));
    assertThat(arm.size()).isEqualTo(7143);
    assertThat(arm.platform()).isEqualTo(new Platform("arm64", "linux", null, List.of(), "v8"));
    assertThat(index.manifests().get(1).platform())
        .isEqualTo(new Platform("amd64", "windows", "10.0.17763.5820", List.of("win32k"), null));
    assertThat(index.annotations()).containsExactly(Map.entry("com.example.key1", "value1"));
    assertThat(index.references()).isEqualTo(index.manifests());
    assertThat(index.digest()).isEqualTo(Digest.sha256Of(bytes(OciFixtures.OCI_INDEX)));
  }

  @Test
  void parse_readsDockerManifestList() {
    String list =
        """
        {"schemaVersion": 2,
         "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                        "size": 528, "digest": "%s",
                        "platform": {"architecture": "ppc64le", "os": "linux"}}]}
        """
            .formatted(digest("ppc"));

    ImageIndex index = ImageIndex.parse(bytes(list), MediaTypes.DOCKER_MANIFEST_LIST);

    assertThat(index.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(index.manifests().get(0).platform()).isEqualTo(Platform.of("linux", "ppc64le"));
  }

  @Test
  void parse_acceptsEmptyManifestsButNotMissing() {
    assertThat(ImageIndex.parse(bytes("{\"schemaVersion\":2,\"manifests\":[]}")).manifests())
        .isEmpty();
    assertThatThrownBy(
            () ->
                ImageIndex.parse(
                    bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\"}")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("index: manifests is missing (expected: an array of manifest descriptors)");
  }

  @Test
  void parse_rejectsPlatformWithoutOs() {
    String index =
        ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":1,"
                + "\"platform\":{\"architecture\":\"amd64\"}}]}")
            .formatted(MediaTypes.OCI_MANIFEST, digest("m"));

    assertThatThrownBy(() -> ImageIndex.parse(bytes(index)))
        .hasMessage(
            "index: manifests[0].platform.os is missing (expected: an operating system such as"
                + " linux)");
  }

  @Test
  void parse_rejectsManifestEntryThatIsNoObject() {
    assertThatThrownBy(
            () -> ImageIndex.parse(bytes("{\"schemaVersion\":2,\"manifests\":[\"sha256:abc\"]}")))
        .hasMessage("index: manifests[0]: \"sha256:abc\" (expected: a JSON object)");
  }

  @Test
  void parse_rejectsImageManifest() {
    assertThatThrownBy(() -> ImageIndex.parse(bytes(OciFixtures.OCI_MANIFEST)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("is an image manifest");
  }

  @Test
  void of_writesCanonicalJsonThatParsesBack() {
    Descriptor amd64 =
        Descriptor.of(MediaTypes.OCI_MANIFEST, digest("amd64"), 500)
            .withPlatform(Platform.parse("linux/amd64"));

    ImageIndex index = ImageIndex.of(List.of(amd64));

    assertThat(new String(index.raw(), UTF_8))
        .isEqualTo(
            ("{\"manifests\":[{\"digest\":\"%s\",\"mediaType\":\"%s\",\"platform\":"
                    + "{\"architecture\":\"amd64\",\"os\":\"linux\"},\"size\":500}],"
                    + "\"mediaType\":\"%s\",\"schemaVersion\":2}")
                .formatted(digest("amd64"), MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX));
    assertThat(index.manifests()).containsExactly(amd64);
    assertThat(ImageIndex.parse(index.raw())).isEqualTo(index);
  }

  @Test
  void builder_carriesSubjectArtifactTypeAndManifestArtifactTypes() {
    ImageManifest sbom =
        ImageManifest.builder()
            .artifactType("application/spdx+json")
            .config(Descriptor.of(MediaTypes.OCI_EMPTY, bytes("{}")))
            .addLayer(Descriptor.of("application/spdx+json", bytes("{\"spdxVersion\":\"2.3\"}")))
            .build();
    Descriptor subject = Descriptor.of(MediaTypes.OCI_INDEX, digest("subject"), 42);

    ImageIndex index =
        ImageIndex.builder()
            .mediaType(MediaTypes.OCI_INDEX)
            .addManifest(sbom.toDescriptor())
            .subject(subject)
            .artifactType("application/vnd.example.bundle")
            .annotation("k", "v")
            .build();

    assertThat(index.manifests().get(0).artifactType()).isEqualTo("application/spdx+json");
    assertThat(index.manifests().get(0).digest()).isEqualTo(sbom.digest());
    assertThat(index.subject()).isEqualTo(subject);
    assertThat(index.artifactType()).isEqualTo("application/vnd.example.bundle");
    assertThat(index.annotations()).containsExactly(Map.entry("k", "v"));
  }

  @Test
  void builder_refusesManifestMediaType() {
    assertThatThrownBy(() -> ImageIndex.builder().mediaType(MediaTypes.DOCKER_MANIFEST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MediaTypes.DOCKER_MANIFEST_LIST);
  }

  @Test
  void equals_dependsOnBytesAndToStringCountsManifests() {
    ImageIndex a = ImageIndex.parse(bytes(OciFixtures.OCI_INDEX));
    ImageIndex b = ImageIndex.parse(bytes(OciFixtures.OCI_INDEX.replace("  ", " ")));

    assertThat(a).isEqualTo(ImageIndex.parse(bytes(OciFixtures.OCI_INDEX)));
    assertThat(a).isNotEqualTo(b);
    assertThat(a.manifests()).isEqualTo(b.manifests());
    assertThat(a.toString()).contains("2 manifests").contains(a.digest().toString());
  }
}
