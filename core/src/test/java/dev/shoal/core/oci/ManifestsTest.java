package dev.shoal.core.oci;

import static dev.shoal.core.oci.OciFixtures.bytes;
import static dev.shoal.core.oci.OciFixtures.digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ManifestsTest {
  private static final String CONFIG =
      "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":2}"
          .formatted(digest("config"));
  private static final String BARE_MANIFEST =
      "{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"layers\":[]}";
  private static final String BARE_INDEX = "{\"schemaVersion\":2,\"manifests\":[]}";

  @Test
  void parse_readsManifestByMediaTypeField() {
    ParsedManifest m = Manifests.parse(bytes(OciFixtures.OCI_MANIFEST), null);

    assertThat(m).isInstanceOf(ImageManifest.class);
    assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void parse_readsIndexByMediaTypeField() {
    ParsedManifest m = Manifests.parse(bytes(OciFixtures.OCI_INDEX), null);

    assertThat(m).isInstanceOf(ImageIndex.class);
    assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
  }

  @Test
  void parse_takesKindAndMediaTypeFromContentTypeWhenFieldAbsent() {
    ParsedManifest m =
        Manifests.parse(bytes(BARE_INDEX), MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8");

    assertThat(m).isInstanceOf(ImageIndex.class);
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
  }

  @Test
  void parse_infersKindFromBodyWhenNeitherFieldNorHeader() {
    assertThat(Manifests.parse(bytes(BARE_MANIFEST), null))
        .isInstanceOf(ImageManifest.class)
        .extracting(ParsedManifest::mediaType)
        .isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(Manifests.parse(bytes(BARE_INDEX), "application/json"))
        .isInstanceOf(ImageIndex.class)
        .extracting(ParsedManifest::mediaType)
        .isEqualTo(MediaTypes.OCI_INDEX);
  }

  @Test
  void parse_acceptsAgreeingContentTypeWithParametersAndCase() {
    ParsedManifest m =
        Manifests.parse(
            bytes(OciFixtures.OCI_MANIFEST),
            "Application/VND.OCI.Image.Manifest.v1+json ; charset=utf-8");

    assertThat(m).isInstanceOf(ImageManifest.class);
  }

  @Test
  void parse_rejectsMediaTypeDisagreeingWithContentType() {
    assertThatThrownBy(
            () -> Manifests.parse(bytes(OciFixtures.OCI_MANIFEST), MediaTypes.DOCKER_MANIFEST))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("mediaType \"" + MediaTypes.OCI_MANIFEST + "\" disagrees")
        .hasMessageContaining("Content-Type \"" + MediaTypes.DOCKER_MANIFEST + "\"");
    assertThatThrownBy(() -> Manifests.parse(bytes(OciFixtures.OCI_MANIFEST), MediaTypes.OCI_INDEX))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("disagrees");
  }

  @Test
  void parse_rejectsContentTypeThatIsNoManifestType() {
    assertThatThrownBy(() -> Manifests.parse(bytes(BARE_MANIFEST), "text/html; charset=utf-8"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("manifest: Content-Type \"text/html; charset=utf-8\"")
        .hasMessageContaining(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void parse_rejectsMediaTypeFieldThatIsNoManifestType() {
    String type = "application/vnd.oci.artifact.manifest.v1+json";
    String artifact =
        BARE_MANIFEST.replace(
            "{\"schemaVersion\":2,", "{\"schemaVersion\":2,\"mediaType\":\"" + type + "\",");

    assertThatThrownBy(() -> Manifests.parse(bytes(artifact), null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith(
            "manifest: mediaType: \"application/vnd.oci.artifact.manifest.v1+json\" is not");
  }

  @Test
  void parse_rejectsSignedSchema1WithAdvice() {
    assertThatThrownBy(() -> Manifests.parse(bytes(OciFixtures.SCHEMA1_SIGNED), null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("schema 1 (schemaVersion 1) is not supported")
        .hasMessageContaining("push the image again with a current");
  }

  @Test
  void parse_rejectsSchema1ContentTypeBeforeReadingTheBody() {
    assertThatThrownBy(
            () ->
                Manifests.parse(bytes("not even json"), MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining(
            "schema 1 (Content-Type \"" + MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST);
  }

  @Test
  void parse_rejectsSchema1BodiesByTheirFields() {
    String fsLayersOnly =
        "{\"schemaVersion\":2,\"fsLayers\":[{\"blobSum\":\"%s\"}]}".formatted(digest("x"));
    String signaturesOnly =
        BARE_MANIFEST.replace("\"layers\":[]", "\"layers\":[],\"signatures\":[]");
    String schema1Type =
        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_SCHEMA1_MANIFEST + "\"}";

    assertThatThrownBy(() -> Manifests.parse(bytes(fsLayersOnly), null))
        .hasMessageContaining("schema 1 (a \"fsLayers\" field)");
    assertThatThrownBy(() -> Manifests.parse(bytes(signaturesOnly), null))
        .hasMessageContaining("schema 1 (a \"signatures\" field)");
    assertThatThrownBy(() -> Manifests.parse(bytes(schema1Type), null))
        .hasMessageContaining("schema 1 (mediaType");
  }

  @Test
  void parse_rejectsOtherSchemaVersions() {
    assertThatThrownBy(() -> Manifests.parse(bytes(BARE_MANIFEST.replace(":2,", ":3,")), null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("manifest: schemaVersion: 3 (expected: 2)");
    assertThatThrownBy(() -> Manifests.parse(bytes(BARE_MANIFEST.replace(":2,", ":\"2\",")), null))
        .hasMessage("manifest: schemaVersion: \"2\" (expected: 2)");
    assertThatThrownBy(() -> Manifests.parse(bytes(BARE_MANIFEST.replace(":2,", ":2.0,")), null))
        .hasMessage("manifest: schemaVersion: 2.0 (expected: 2)");
    assertThatThrownBy(
            () -> Manifests.parse(bytes(BARE_MANIFEST.replace("\"schemaVersion\":2,", "")), null))
        .hasMessage("manifest: schemaVersion is missing (expected: 2)");
  }

  @Test
  void parse_acceptsExactly4MiBAndRejectsOneByteMore() {
    byte[] exact = padded(BARE_MANIFEST, Manifests.MAX_MANIFEST_BYTES);
    byte[] over = padded(BARE_MANIFEST, Manifests.MAX_MANIFEST_BYTES + 1);

    assertThat(Manifests.parse(exact, null).size()).isEqualTo(4 * 1024 * 1024);
    assertThatThrownBy(() -> Manifests.parse(over, null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage(
            "manifest: 4194305 bytes (expected: at most 4194304 bytes, the OCI distribution"
                + " spec's manifest limit)");
  }

  @Test
  void parse_rejectsWhatIsNotOneJsonObject() {
    assertThatThrownBy(() -> Manifests.parse(new byte[0], null))
        .hasMessage("manifest: empty (expected: a JSON object)");
    assertThatThrownBy(() -> Manifests.parse(bytes("[1,2]"), null))
        .hasMessage("manifest: [1,2] (expected: a JSON object)");
    assertThatThrownBy(() -> Manifests.parse(bytes("{\"schemaVersion\":2,"), null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("manifest: not valid JSON: ");
    assertThatThrownBy(() -> Manifests.parse(bytes(BARE_MANIFEST + "{}"), null))
        .hasMessageStartingWith("manifest: not valid JSON: ");
  }

  @Test
  void parse_rejectsDuplicateKeys() {
    String twoSizes = BARE_MANIFEST.replace("\"size\":2", "\"size\":2,\"size\":99");

    assertThatThrownBy(() -> Manifests.parse(bytes(twoSizes), null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("Duplicate field 'size'");
  }

  @Test
  void parse_rejectsDocumentThatIsBothManifestAndIndex() {
    String both = BARE_MANIFEST.replace("\"layers\":[]", "\"layers\":[],\"manifests\":[]");

    assertThatThrownBy(() -> Manifests.parse(bytes(both), MediaTypes.OCI_MANIFEST))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("reads as an index and as a manifest");
  }

  @Test
  void parse_rejectsDocumentOfNoKnownKind() {
    assertThatThrownBy(() -> Manifests.parse(bytes("{\"schemaVersion\":2}"), null))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("neither \"config\" nor \"manifests\"");
  }

  @Test
  void parse_ignoresUnknownFields() {
    ImageManifest m = (ImageManifest) Manifests.parse(bytes(OciFixtures.OCI_MANIFEST), null);

    assertThat(m.layers()).hasSize(2);
    assertThat(new String(m.raw(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("x-vendor-extension");
  }

  @Test
  void digest_isOverTheExactBytesNotReserialisedJson() {
    byte[] raw = bytes(OciFixtures.OCI_MANIFEST);
    ParsedManifest m = Manifests.parse(raw, null);
    ImageManifest rebuilt =
        ImageManifest.builder()
            .config(((ImageManifest) m).config())
            .layers(((ImageManifest) m).layers())
            .build();

    assertThat(m.digest()).isEqualTo(Digest.sha256Of(raw));
    assertThat(m.size()).isEqualTo(raw.length);
    assertThat(m.raw()).isEqualTo(raw);
    assertThat(rebuilt.digest()).isNotEqualTo(m.digest());
  }

  @Test
  void raw_isADefensiveCopy() {
    byte[] input = bytes(BARE_MANIFEST);
    ParsedManifest m = Manifests.parse(input, null);
    Digest before = m.digest();

    input[0] = ' ';
    byte[] first = m.raw();
    first[1] = 'X';

    assertThat(m.raw()).isEqualTo(bytes(BARE_MANIFEST));
    assertThat(Digest.sha256Of(m.raw())).isEqualTo(before);
  }

  @Test
  void rawBuffer_isReadOnlyViewOfTheBytes() {
    ParsedManifest m = Manifests.parse(bytes(BARE_MANIFEST), null);
    ByteBuffer buffer = m.rawBuffer();
    byte[] read = new byte[buffer.remaining()];
    buffer.duplicate().get(read);

    assertThat(read).isEqualTo(bytes(BARE_MANIFEST));
    assertThatThrownBy(() -> buffer.put(0, (byte) 'x')).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void parse_rejectsNullRaw() {
    assertThatThrownBy(() -> Manifests.parse(null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("raw");
  }

  /** {@code json} followed by spaces up to {@code size} bytes: still the same document. */
  private static byte[] padded(String json, int size) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) ' ');
    byte[] b = bytes(json);
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }
}
