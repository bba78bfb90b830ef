package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code skopeo inspect}, the independent reader of what a build wrote or pushed. */
final class Skopeo {
  static final Path BINARY = Path.of("/usr/bin/skopeo");

  private Skopeo() {}

  /** Skips the calling test where skopeo is not installed (CI installs it). */
  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(BINARY), "skopeo is not installed (apt-get install -y skopeo)");
  }

  /** {@code skopeo inspect [--raw] IMAGE} as JSON; fails the test when skopeo fails. */
  static JsonNode inspect(String image, boolean raw) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "inspect"));
    if (raw) {
      command.add("--raw");
    }
    if (image.startsWith("docker://")) {
      command.add("--tls-verify=false");
    }
    command.add(image);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("skopeo inspect %s: %s", image, text).isZero();
    return new ObjectMapper().readTree(text);
  }
}
