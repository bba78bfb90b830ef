package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.oci.ImageConfig;
import dev.shoal.core.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config a build writes: what {@code docker inspect} and a runtime would read. */
class ImageBuilderTest {
  @TempDir Path tmp;

  private static BaseImage javaBase() throws IOException {
    String json =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-05-01T00:00:00Z\","
            + "\"config\":{\"Env\":[\"PATH=/usr/bin\",\"JAVA_HOME=/opt/java\"],"
            + "\"Cmd\":[\"jshell\"],\"Labels\":{\"base\":\"temurin\"}},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
            + "a".repeat(64)
            + "\"]},\"history\":[{\"created_by\":\"base layer\"}]}";
    return new BaseImage("base", (ObjectNode) BaseImage.JSON.readTree(json), List.of());
  }

  private ImageConfig build(BaseImage base, BuildSpec spec) throws IOException {
    Image image = ImageBuilder.build(base, spec, tmp);
    return ImageConfig.parse(image.config());
  }

  @Test
  void config_extendsTheBase() throws IOException {
    Path jar = tmp.resolve("app.jar");
    Files.writeString(jar, "jar");
    BuildSpec spec =
        new BuildSpec(
            List.of(AddSpec.parse(jar + ":/app/")),
            List.of("java", "-jar", "/app/app.jar"),
            null,
            List.of("JAVA_HOME=/opt/jdk", "APP_MODE=prod"),
            "/app",
            Map.of("org.opencontainers.image.version", "1.0"),
            1_700_000_000L);
    ImageConfig config = build(javaBase(), spec);

    assertThat(config.created()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(config.runConfig().entrypoint()).containsExactly("java", "-jar", "/app/app.jar");
    assertThat(config.runConfig().cmd()).as("an entrypoint clears the base's Cmd").isEmpty();
    assertThat(config.runConfig().env())
        .containsExactly("PATH=/usr/bin", "JAVA_HOME=/opt/jdk", "APP_MODE=prod");
    assertThat(config.runConfig().workingDir()).isEqualTo("/app");
    assertThat(config.runConfig().labels())
        .containsEntry("base", "temurin")
        .containsEntry("org.opencontainers.image.version", "1.0");
    assertThat(config.diffIds()).hasSize(2);
    assertThat(config.diffIds().get(0).hex()).isEqualTo("a".repeat(64));
    assertThat(config.history()).hasSize(2);
    assertThat(config.history().get(1).createdBy()).isEqualTo("shoal build --add app.jar:/app");
  }

  @Test
  void cmdAlone_keepsTheBasesEntrypoint_andScratchHasThePlatform() throws IOException {
    BuildSpec spec =
        new BuildSpec(List.of(), null, List.of("--help"), List.of(), null, Map.of(), 0);
    ImageConfig config = build(BaseImage.scratch(Platform.parse("linux/arm64/v8")), spec);

    assertThat(config.runConfig().cmd()).containsExactly("--help");
    assertThat(config.platform().toString()).isEqualTo("linux/arm64/v8");
    assertThat(config.created()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(new String(config.raw(), StandardCharsets.UTF_8)).doesNotContain("\n");
  }
}
