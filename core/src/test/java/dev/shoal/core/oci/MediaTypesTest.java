package dev.shoal.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaTypesTest {

  @Test
  void isManifest_knowsOciAndDockerSchema2() {
    assertThat(MediaTypes.isManifest(MediaTypes.OCI_MANIFEST)).isTrue();
    assertThat(MediaTypes.isManifest(MediaTypes.DOCKER_MANIFEST)).isTrue();
    assertThat(MediaTypes.isManifest(MediaTypes.OCI_INDEX)).isFalse();
    assertThat(MediaTypes.isManifest(MediaTypes.DOCKER_SCHEMA1_MANIFEST)).isFalse();
    assertThat(MediaTypes.isManifest(MediaTypes.OCI_CONFIG)).isFalse();
  }

  @Test
  void isIndex_knowsOciIndexAndDockerList() {
    assertThat(MediaTypes.isIndex(MediaTypes.OCI_INDEX)).isTrue();
    assertThat(MediaTypes.isIndex(MediaTypes.DOCKER_MANIFEST_LIST)).isTrue();
    assertThat(MediaTypes.isIndex(MediaTypes.OCI_MANIFEST)).isFalse();
  }

  @Test
  void isLayer_knowsEveryLayerTypeAndNothingElse() {
    for (String layer :
        new String[] {
          MediaTypes.OCI_LAYER_TAR,
          MediaTypes.OCI_LAYER_TAR_GZIP,
          MediaTypes.OCI_LAYER_TAR_ZSTD,
          MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR,
          MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
          MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD,
          MediaTypes.DOCKER_LAYER_GZIP,
          MediaTypes.DOCKER_FOREIGN_LAYER_GZIP
        }) {
      assertThat(MediaTypes.isLayer(layer)).as(layer).isTrue();
    }
    assertThat(MediaTypes.isLayer(MediaTypes.OCI_CONFIG)).isFalse();
    assertThat(MediaTypes.isLayer(MediaTypes.OCI_EMPTY)).isFalse();
    assertThat(MediaTypes.isLayer(MediaTypes.DOCKER_CONFIG)).isFalse();
  }

  @Test
  void isNondistributableLayer_knowsForeignLayers() {
    assertThat(MediaTypes.isNondistributableLayer(MediaTypes.DOCKER_FOREIGN_LAYER_GZIP)).isTrue();
    assertThat(MediaTypes.isNondistributableLayer(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD))
        .isTrue();
    assertThat(MediaTypes.isNondistributableLayer(MediaTypes.OCI_LAYER_TAR_GZIP)).isFalse();
  }

  @Test
  void isSchema1_knowsSignedAndUnsigned() {
    assertThat(MediaTypes.isSchema1(MediaTypes.DOCKER_SCHEMA1_MANIFEST)).isTrue();
    assertThat(MediaTypes.isSchema1(MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST)).isTrue();
    assertThat(MediaTypes.isSchema1(MediaTypes.DOCKER_MANIFEST)).isFalse();
  }

  @Test
  void predicates_ignoreParametersCaseAndSpace() {
    assertThat(MediaTypes.isManifest(" Application/Vnd.OCI.Image.Manifest.V1+JSON; charset=utf-8"))
        .isTrue();
    assertThat(MediaTypes.isSchema1(MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST + ";q=0.5")).isTrue();
  }

  @Test
  void essence_stripsParameters() {
    assertThat(MediaTypes.essence("Application/JSON ; charset=UTF-8"))
        .isEqualTo("application/json");
    assertThat(MediaTypes.essence("")).isEmpty();
  }

  @Test
  void isWellFormed_followsRfc6838() {
    assertThat(MediaTypes.isWellFormed(MediaTypes.OCI_LAYER_TAR_ZSTD)).isTrue();
    assertThat(MediaTypes.isWellFormed("application/vnd.example.thing.v1+json")).isTrue();
    assertThat(MediaTypes.isWellFormed("application")).isFalse();
    assertThat(MediaTypes.isWellFormed("application/json; charset=utf-8")).isFalse();
    assertThat(MediaTypes.isWellFormed("-app/json")).isFalse();
    assertThat(MediaTypes.isWellFormed("application/" + "x".repeat(127))).isTrue();
    assertThat(MediaTypes.isWellFormed("application/" + "x".repeat(128))).isFalse();
  }

  @Test
  void manifestTypes_areAllManifestsOrIndexes() {
    assertThat(MediaTypes.MANIFEST_TYPES)
        .hasSize(4)
        .allMatch(t -> MediaTypes.isManifest(t) || MediaTypes.isIndex(t));
  }
}
