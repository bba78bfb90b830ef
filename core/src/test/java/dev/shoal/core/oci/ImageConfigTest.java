package dev.shoal.core.oci;

import static dev.shoal.core.oci.OciFixtures.bytes;
import static dev.shoal.core.oci.OciFixtures.digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.ImageConfig.History;
import dev.shoal.core.oci.ImageConfig.RunConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  private static final String MINIMAL =
      "{\"architecture\":\"arm64\",\"os\":\"linux\","
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

  @Test
  void parse_readsWhatTheRuntimeNeeds() {
    ImageConfig c = ImageConfig.parse(bytes(OciFixtures.DOCKER_CONFIG));

    assertThat(c.architecture()).isEqualTo("amd64");
    assertThat(c.os()).isEqualTo("linux");
    RunConfig run = c.runConfig();
    assertThat(run.entrypoint()).containsExactly("java", "-jar", "/srv/app.jar");
    assertThat(run.cmd()).containsExactly("--port", "8080");
    assertThat(run.env())
        .containsExactly(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAVA_HOME=/opt/java");
    assertThat(run.workingDir()).isEqualTo("/srv");
    assertThat(run.user()).isEqualTo("app:app");
    assertThat(run.labels())
        .containsExactly(
            Map.entry("maintainer", "team@example.com"),
            Map.entry("org.opencontainers.image.version", "1.2.3"));
    assertThat(run.exposedPorts()).containsExactly("8080/tcp", "9090/udp");
    assertThat(run.volumes()).containsExactly("/data");
    assertThat(run.stopSignal()).isEqualTo("SIGTERM");
    assertThat(c.diffIds()).containsExactly(digest("diff-0"), digest("diff-1"));
    assertThat(c.created()).isEqualTo("2024-05-01T10:00:00.123456789Z");
    assertThat(c.author()).isEqualTo("Example Team");
  }

  @Test
  void parse_readsHistoryWithEmptyLayers() {
    List<History> history = ImageConfig.parse(bytes(OciFixtures.DOCKER_CONFIG)).history();

    assertThat(history).hasSize(3);
    assertThat(history).filteredOn(h -> !h.emptyLayer()).hasSize(2);
    assertThat(history.get(1).createdBy()).isEqualTo("/bin/sh -c #(nop)  CMD [\"sh\"]");
    assertThat(history.get(2).comment()).isEqualTo("buildkit.dockerfile.v0");
    assertThat(history.get(0).author()).isNull();
  }

  @Test
  void parse_readsMinimalConfigWithEmptyRunConfig() {
    ImageConfig c = ImageConfig.parse(bytes(MINIMAL));

    assertThat(c.runConfig()).isEqualTo(RunConfig.empty());
    assertThat(c.diffIds()).isEmpty();
    assertThat(c.history()).isEmpty();
    assertThat(c.created()).isNull();
    assertThat(c.platform()).isEqualTo(Platform.of("linux", "arm64"));
  }

  @Test
  void parse_readsNullsAsUnset() {
    String nulls =
        MINIMAL.replace(
            "\"os\":\"linux\",",
            "\"os\":\"linux\",\"config\":{\"Entrypoint\":null,\"Cmd\":null,\"Env\":null,"
                + "\"Labels\":null,\"ExposedPorts\":null,\"Volumes\":null,\"User\":null},"
                + "\"history\":null,");

    assertThat(ImageConfig.parse(bytes(nulls)).runConfig()).isEqualTo(RunConfig.empty());
  }

  @Test
  void parse_readsLoneStringCommandsAsListsOfOne() {
    String strings =
        MINIMAL.replace(
            "\"os\":\"linux\",",
            "\"os\":\"linux\",\"config\":{\"Entrypoint\":\"/entrypoint.sh\",\"Cmd\":\"run\"},");

    RunConfig run = ImageConfig.parse(bytes(strings)).runConfig();

    assertThat(run.entrypoint()).containsExactly("/entrypoint.sh");
    assertThat(run.cmd()).containsExactly("run");
  }

  @Test
  void parse_keepsExactBytesAndDigestsThem() {
    byte[] raw = bytes(OciFixtures.DOCKER_CONFIG);

    ImageConfig c = ImageConfig.parse(raw);
    raw[0] = '[';

    assertThat(c.digest()).isEqualTo(Digest.sha256Of(bytes(OciFixtures.DOCKER_CONFIG)));
    assertThat(c.raw()).isEqualTo(bytes(OciFixtures.DOCKER_CONFIG));
    assertThat(c.rawBuffer().remaining()).isEqualTo(raw.length);
    assertThat(c).isEqualTo(ImageConfig.parse(bytes(OciFixtures.DOCKER_CONFIG)));
    assertThat(c).isNotEqualTo(ImageConfig.parse(bytes(MINIMAL)));
  }

  @Test
  void parse_rejectsMissingPlatform() {
    assertThatThrownBy(() -> ImageConfig.parse(bytes(MINIMAL.replace("\"os\":\"linux\",", ""))))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("image config: os is missing (expected: an operating system such as linux)");
    assertThatThrownBy(
            () ->
                ImageConfig.parse(
                    bytes(MINIMAL.replace("\"architecture\":\"arm64\"", "\"architecture\":7"))))
        .hasMessage("image config: architecture: 7 (expected: a string)");
  }

  @Test
  void parse_rejectsMissingOrWrongRootfs() {
    assertThatThrownBy(
            () -> ImageConfig.parse(bytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}")))
        .hasMessageStartingWith("image config: rootfs is missing");
    assertThatThrownBy(() -> ImageConfig.parse(bytes(MINIMAL.replace("\"layers\"", "\"zfs\""))))
        .hasMessage("image config: rootfs.type: \"zfs\" (expected: \"layers\")");
    assertThatThrownBy(() -> ImageConfig.parse(bytes(MINIMAL.replace(",\"diff_ids\":[]", ""))))
        .hasMessage("image config: rootfs.diff_ids is missing (expected: an array of digests)");
  }

  @Test
  void parse_rejectsBadDiffId() {
    String bad =
        MINIMAL.replace(
            "\"diff_ids\":[]", "\"diff_ids\":[\"%s\",\"sha256:1234\"]".formatted(digest("d")));

    assertThatThrownBy(() -> ImageConfig.parse(bytes(bad)))
        .hasMessage(
            "image config: rootfs.diff_ids[1]: \"sha256:1234\" has 4 hex characters (expected: 64"
                + " for sha256)");
  }

  @Test
  void parse_rejectsWronglyTypedRunConfig() {
    String env =
        MINIMAL.replace("\"os\":\"linux\",", "\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\",2]},");
    String labels =
        MINIMAL.replace("\"os\":\"linux\",", "\"os\":\"linux\",\"config\":{\"Labels\":[\"a\"]},");
    String history =
        MINIMAL.replace(
            "\"os\":\"linux\",", "\"os\":\"linux\",\"history\":[{\"empty_layer\":\"yes\"}],");

    assertThatThrownBy(() -> ImageConfig.parse(bytes(env)))
        .hasMessage("image config: config.Env[1]: 2 (expected: a string)");
    assertThatThrownBy(() -> ImageConfig.parse(bytes(labels)))
        .hasMessage("image config: config.Labels: [\"a\"] (expected: a JSON object)");
    assertThatThrownBy(() -> ImageConfig.parse(bytes(history)))
        .hasMessage("image config: history[0].empty_layer: \"yes\" (expected: true or false)");
  }

  @Test
  void parse_rejectsNonJson() {
    assertThatThrownBy(() -> ImageConfig.parse(bytes("\u001f\u008b gzip?")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("image config: not valid JSON");
  }

  @Test
  void runConfig_isImmutable() {
    RunConfig run = ImageConfig.parse(bytes(OciFixtures.DOCKER_CONFIG)).runConfig();

    assertThatThrownBy(() -> run.env().add("X=1"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> run.exposedPorts().add("1/tcp"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> run.labels().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
