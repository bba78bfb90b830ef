package dev.shoal.core.oci;

import static dev.shoal.core.oci.OciFixtures.bytes;
import static dev.shoal.core.oci.OciFixtures.digest;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageManifestTest {
  private static final Descriptor CONFIG =
      Descriptor.of(MediaTypes.OCI_CONFIG, digest("config"), 1471);
  private static final Descriptor LAYER =
      Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, digest("layer"), 100);

  @Test
  void parse_readsConfigLayersAndAnnotations() {
    ImageManifest m = ImageManifest.parse(bytes(OciFixtures.OCI_MANIFEST));

    assertThat(m.schemaVersion()).isEqualTo(2);
    assertThat(m.config()).isEqualTo(CONFIG);
    assertThat(m.layers())
        .containsExactly(
            Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, digest("layer-0"), 2811947),
            Descriptor.of(MediaTypes.OCI_LAYER_TAR_ZSTD, digest("layer-1"), 0));
    assertThat(m.annotations())
        .containsExactly(
            Map.entry("org.opencontainers.image.created", "2024-05-01T10:00:00Z"),
            Map.entry("org.opencontainers.image.source", "https://example.com/app.git"));
    assertThat(m.subject()).isNull();
    assertThat(m.artifactType()).isNull();
    assertThat(m.references()).containsExactly(m.config(), m.layers().get(0), m.layers().get(1));
  }

  @Test
  void parse_readsDockerSchema2WithForeignLayerUrls() {
    ImageManifest m =
        ImageManifest.parse(bytes(OciFixtures.DOCKER_MANIFEST), MediaTypes.DOCKER_MANIFEST);

    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    Descriptor foreign = m.layers().get(0);
    assertThat(MediaTypes.isNondistributableLayer(foreign.mediaType())).isTrue();
    assertThat(foreign.size()).isEqualTo(1718332879L);
    assertThat(foreign.urls())
        .containsExactly("https://mcr.microsoft.com/v2/windows/servercore/blobs/" + digest("base"));
  }

  @Test
  void parse_readsSubjectAndArtifactType() {
    String referrer =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "artifactType":"application/vnd.example.sbom.v1+json",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
         "layers":[{"mediaType":"application/spdx+json","digest":"%s","size":4096}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json",
                    "digest":"%s","size":7143}}
        """
            .formatted(Digest.sha256Of(bytes("{}")), digest("sbom"), digest("image"));

    ImageManifest m = ImageManifest.parse(bytes(referrer));

    assertThat(m.artifactType()).isEqualTo("application/vnd.example.sbom.v1+json");
    assertThat(m.subject())
        .isEqualTo(Descriptor.of(MediaTypes.OCI_MANIFEST, digest("image"), 7143));
    assertThat(m.config().mediaType()).isEqualTo(MediaTypes.OCI_EMPTY);
    assertThat(m.references()).doesNotContain(m.subject());
  }

  @Test
  void parse_rejectsIndex() {
    assertThatThrownBy(() -> ImageManifest.parse(bytes(OciFixtures.OCI_INDEX)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("is an image index \"" + MediaTypes.OCI_INDEX + "\"");
  }

  @Test
  void parse_rejectsMissingConfigOrLayers() {
    assertThatThrownBy(() -> ImageManifest.parse(manifest("\"layers\":[]")))
        .hasMessage("manifest: config is missing (expected: a descriptor of the image config)");
    assertThatThrownBy(() -> ImageManifest.parse(manifest("\"config\":" + json(CONFIG))))
        .hasMessage("manifest: layers is missing (expected: an array of layer descriptors)");
    assertThatThrownBy(
            () -> ImageManifest.parse(manifest("\"config\":" + json(CONFIG) + ",\"layers\":{}")))
        .hasMessage("manifest: layers: {} (expected: an array of JSON objects)");
    assertThatThrownBy(
            () -> ImageManifest.parse(manifest("\"config\":\"sha256:abc\",\"layers\":[]")))
        .hasMessage("manifest: config: \"sha256:abc\" (expected: a JSON object)");
  }

  @Test
  void parse_rejectsNegativeLayerSizeNamingTheLayer() {
    String layers =
        "[" + json(LAYER) + "," + json(LAYER).replace("\"size\":100", "\"size\":-1") + "]";

    assertThatThrownBy(() -> ImageManifest.parse(withLayers(layers)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("manifest: layers[1].size: -1 (expected: >= 0)");
  }

  @Test
  void parse_rejectsSizeThatIsMissingOrNotAnInteger() {
    String missing = "[" + json(LAYER).replace(",\"size\":100", "") + "]";
    assertThatThrownBy(() -> ImageManifest.parse(withLayers(missing)))
        .hasMessage("manifest: layers[0].size is missing (expected: an integer)");

    Map<String, String> shownAs =
        Map.of(
            "\"100\"", "\"100\"",
            "1.5", "1.5",
            "1e3", "1000.0",
            "99999999999999999999", "99999999999999999999",
            "true", "true");
    shownAs.forEach(
        (bad, shown) -> {
          String layers = "[" + json(LAYER).replace("\"size\":100", "\"size\":" + bad) + "]";

          assertThatThrownBy(() -> ImageManifest.parse(withLayers(layers)))
              .as(bad)
              .isInstanceOf(InvalidManifestException.class)
              .hasMessage("manifest: layers[0].size: " + shown + " (expected: an integer)");
        });
  }

  @Test
  void parse_rejectsBadLayerDigests() {
    String good = digest("layer").toString();
    String uppercaseHex = "sha256:" + digest("layer").hex().toUpperCase(Locale.ROOT);
    String shortHex = "sha256:" + digest("layer").hex().substring(0, 12);
    String md5 = "md5:0cc175b9c0f1b6a831c399e269772661";

    assertThatThrownBy(() -> ImageManifest.parse(withLayers(layerWithDigest(good, uppercaseHex))))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("manifest: layers[0].digest: \"" + uppercaseHex + "\" has \"")
        .hasMessageEndingWith("of the hex (expected: lowercase hex 0-9a-f)");
    assertThatThrownBy(() -> ImageManifest.parse(withLayers(layerWithDigest(good, shortHex))))
        .hasMessage(
            "manifest: layers[0].digest: \""
                + shortHex
                + "\" has 12 hex characters (expected: 64 for sha256)");
    assertThatThrownBy(() -> ImageManifest.parse(withLayers(layerWithDigest(good, md5))))
        .hasMessageStartingWith("manifest: layers[0].digest: \"md5:")
        .hasMessageContaining("unknown algorithm \"md5\"");
  }

  @Test
  void parse_rejectsMalformedMediaTypeAndRelativeUrl() {
    String noSlash = "[" + json(LAYER).replace(MediaTypes.OCI_LAYER_TAR_GZIP, "tar+gzip") + "]";
    String relative =
        "["
            + json(LAYER).replace("{", "{\"urls\":[\"https://cdn.example.com/x\",\"/blobs/x\"],")
            + "]";

    assertThatThrownBy(() -> ImageManifest.parse(withLayers(noSlash)))
        .hasMessage(
            "manifest: layers[0].mediaType: \"tar+gzip\" (expected: a media type type/subtype by"
                + " RFC 6838)");
    assertThatThrownBy(() -> ImageManifest.parse(withLayers(relative)))
        .hasMessage(
            "manifest: layers[0].urls[1]: \"/blobs/x\" (expected: an absolute URL by RFC 3986)");
  }

  @Test
  void parse_rejectsNonStringAnnotation() {
    String m =
        "{\"schemaVersion\":2,\"config\":%s,\"layers\":[],\"annotations\":{\"a\":\"b\",\"n\":1}}"
            .formatted(json(CONFIG));

    assertThatThrownBy(() -> ImageManifest.parse(bytes(m)))
        .hasMessage("manifest: annotations: \"n\": 1 (expected: a string)");
  }

  @Test
  void parse_treatsJsonNullAsAbsent() {
    String m =
        ("{\"schemaVersion\":2,\"mediaType\":null,\"config\":%s,\"layers\":[],"
                + "\"subject\":null,\"annotations\":null}")
            .formatted(json(CONFIG));

    ImageManifest parsed = ImageManifest.parse(bytes(m));

    assertThat(parsed.subject()).isNull();
    assertThat(parsed.annotations()).isEmpty();
    assertThat(parsed.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void of_writesCanonicalJson() {
    ImageManifest m = ImageManifest.of(CONFIG, List.of(LAYER));

    String expected =
        ("{\"config\":{\"digest\":\"%s\",\"mediaType\":\"%s\",\"size\":1471},"
                + "\"layers\":[{\"digest\":\"%s\",\"mediaType\":\"%s\",\"size\":100}],"
                + "\"mediaType\":\"%s\",\"schemaVersion\":2}")
            .formatted(
                digest("config"),
                MediaTypes.OCI_CONFIG,
                digest("layer"),
                MediaTypes.OCI_LAYER_TAR_GZIP,
                MediaTypes.OCI_MANIFEST);
    assertThat(new String(m.raw(), UTF_8)).isEqualTo(expected);
    assertThat(m.digest()).isEqualTo(Digest.sha256Of(bytes(expected)));
    assertThat(ImageManifest.parse(m.raw())).isEqualTo(m);
  }

  @Test
  void builder_writesOptionalFieldsSortedAndReadsThemBack() {
    Descriptor subject = Descriptor.of(MediaTypes.OCI_MANIFEST, digest("subject"), 10);
    ImageManifest m =
        ImageManifest.builder()
            .mediaType(MediaTypes.DOCKER_MANIFEST)
            .config(CONFIG)
            .addLayer(LAYER.withAnnotations(Map.of("z", "1")))
            .addLayer(LAYER.withUrls(List.of("https://cdn.example.com/l")))
            .subject(subject)
            .artifactType("application/vnd.example+json")
            .annotation("b", "2")
            .annotation("a", "1")
            .build();

    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.subject()).isEqualTo(subject);
    assertThat(m.artifactType()).isEqualTo("application/vnd.example+json");
    assertThat(m.layers().get(0).annotations()).containsExactly(Map.entry("z", "1"));
    assertThat(m.layers().get(1).urls()).containsExactly("https://cdn.example.com/l");
    assertThat(m.annotations()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(new String(m.raw(), UTF_8)).startsWith("{\"annotations\":{\"a\":\"1\",\"b\":\"2\"}");
  }

  @Test
  void builder_isDeterministic() {
    ImageManifest a =
        ImageManifest.builder().config(CONFIG).addLayer(LAYER).annotation("k", "v").build();
    ImageManifest b =
        ImageManifest.builder().annotation("k", "v").addLayer(LAYER).config(CONFIG).build();

    assertThat(a.raw()).isEqualTo(b.raw());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void builder_refusesIndexMediaTypeAndMissingConfig() {
    assertThatThrownBy(() -> ImageManifest.builder().mediaType(MediaTypes.OCI_INDEX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mediaType: \"" + MediaTypes.OCI_INDEX + "\"");
    assertThatThrownBy(() -> ImageManifest.builder().addLayer(LAYER).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("config: not set");
  }

  @Test
  void toDescriptor_describesTheRawBytes() {
    ImageManifest m = ImageManifest.parse(bytes(OciFixtures.OCI_MANIFEST));

    Descriptor d = m.toDescriptor();

    assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(d.digest()).isEqualTo(Digest.sha256Of(bytes(OciFixtures.OCI_MANIFEST)));
    assertThat(d.size()).isEqualTo(bytes(OciFixtures.OCI_MANIFEST).length);
  }

  @Test
  void equals_dependsOnBytesAndPartsAreUnmodifiable() {
    ImageManifest a = ImageManifest.parse(bytes(OciFixtures.OCI_MANIFEST));
    ImageManifest same = ImageManifest.parse(bytes(OciFixtures.OCI_MANIFEST));
    ImageManifest spaced = ImageManifest.parse(bytes(OciFixtures.OCI_MANIFEST + " "));

    assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(a).isNotEqualTo(spaced);
    assertThat(a.layers()).isEqualTo(spaced.layers());
    assertThat(a.toString()).contains(a.digest().toString()).contains("2 layers");
    assertThatThrownBy(() -> a.layers().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> a.annotations().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static String json(Descriptor d) {
    return "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}"
        .formatted(d.mediaType(), d.digest(), d.size());
  }

  private static String layerWithDigest(String good, String bad) {
    return "[" + json(LAYER).replace(good, bad) + "]";
  }

  private static byte[] manifest(String fields) {
    return bytes("{\"schemaVersion\":2," + fields + "}");
  }

  private static byte[] withLayers(String layersArray) {
    return manifest("\"config\":" + json(CONFIG) + ",\"layers\":" + layersArray);
  }
}
