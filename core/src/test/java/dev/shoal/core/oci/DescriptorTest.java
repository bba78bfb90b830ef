package dev.shoal.core.oci;

import static dev.shoal.core.oci.OciFixtures.bytes;
import static dev.shoal.core.oci.OciFixtures.digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescriptorTest {

  @Test
  void of_describesContent() {
    byte[] content = bytes("{}");

    Descriptor d = Descriptor.of(MediaTypes.OCI_EMPTY, content);

    assertThat(d.digest())
        .isEqualTo(
            Digest.parse(
                "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.urls()).isEmpty();
    assertThat(d.annotations()).isEmpty();
    assertThat(d.platform()).isNull();
  }

  @Test
  void constructor_rejectsNegativeSize() {
    assertThatThrownBy(() -> Descriptor.of(MediaTypes.OCI_LAYER_TAR, digest("x"), -1))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("descriptor: size: -1 (expected: >= 0)");
  }

  @Test
  void constructor_acceptsZeroSize() {
    assertThat(Descriptor.of(MediaTypes.OCI_LAYER_TAR, digest("x"), 0).size()).isZero();
  }

  @Test
  void constructor_rejectsMalformedMediaTypes() {
    for (String bad :
        new String[] {"", "tar", "application/", "/json", "text/plain; a=b", "a b/c"}) {
      assertThatThrownBy(() -> Descriptor.of(bad, digest("x"), 1))
          .as(bad)
          .isInstanceOf(InvalidManifestException.class)
          .hasMessageStartingWith("descriptor: mediaType: \"" + bad + "\"");
    }
    assertThatThrownBy(
            () -> Descriptor.of(MediaTypes.OCI_MANIFEST, digest("x"), 1).withArtifactType("sbom"))
        .hasMessageStartingWith("descriptor: artifactType: \"sbom\"");
  }

  @Test
  void constructor_rejectsNullRequiredFields() {
    assertThatThrownBy(() -> Descriptor.of(null, digest("x"), 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("mediaType");
    assertThatThrownBy(() -> Descriptor.of(MediaTypes.OCI_LAYER_TAR, null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("digest");
  }

  @Test
  void constructor_rejectsRelativeOrUnparsableUrls() {
    Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR, digest("x"), 1);

    assertThat(d.withUrls(List.of("https://example.com/a")).urls())
        .containsExactly("https://example.com/a");
    assertThatThrownBy(() -> d.withUrls(List.of("example.com/a")))
        .hasMessage(
            "descriptor: urls[0]: \"example.com/a\" (expected: an absolute URL by RFC 3986)");
    assertThatThrownBy(() -> d.withUrls(List.of("https://exa mple.com/")))
        .hasMessageStartingWith("descriptor: urls[0]: \"https://exa mple.com/\"");
  }

  @Test
  void constructor_copiesCollections() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("b", "2");
    annotations.put("a", "1");
    List<String> urls = new ArrayList<>(List.of("https://example.com/x"));
    Descriptor d =
        new Descriptor(MediaTypes.OCI_LAYER_TAR, digest("x"), 1, urls, annotations, null, null);

    annotations.put("c", "3");
    urls.clear();

    assertThat(d.annotations()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
    assertThat(d.urls()).containsExactly("https://example.com/x");
    assertThatThrownBy(() -> d.annotations().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructor_rejectsNullAnnotationValue() {
    Map<String, String> annotations = new HashMap<>();
    annotations.put("k", null);

    assertThatThrownBy(
            () ->
                Descriptor.of(MediaTypes.OCI_LAYER_TAR, digest("x"), 1)
                    .withAnnotations(annotations))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("annotations");
  }

  @Test
  void with_changesOnlyItsField() {
    Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, digest("x"), 7);
    Platform p = Platform.parse("linux/arm64/v8");

    Descriptor e = d.withPlatform(p).withArtifactType("application/vnd.example+json");

    assertThat(e.platform()).isEqualTo(p);
    assertThat(e.artifactType()).isEqualTo("application/vnd.example+json");
    assertThat(e.withPlatform(null).withArtifactType(null)).isEqualTo(d);
  }
}
