package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.AgentMain;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skopeo copies an image out of the agent into an OCI layout, once by the agent's address and once
 * by the registry's own name with {@code deploy/crio/registries.conf} (the containers/image library
 * CRI-O pulls with) sending it to the agent as a mirror. Either way the copy must be the pushed
 * image: the same manifest digest, and every blob file hashing to its name.
 */
class SkopeoMirrorIT {
  private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

  @TempDir Path dir;
  private CncfRegistry cncf;
  private AgentMain agent;
  private LayeredImage image;
  private Path policy;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(SKOPEO), "skopeo is installed by ./scripts/test");
    CncfRegistry.assumeInstalled();
    cncf = CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")));
    image = LayeredImage.sample(21);
    image.push(cncf.client(), "demo/app", "v1");
    agent = TestAgents.start(dir.resolve("agent"), cncf.baseUri(), Clock.systemUTC(), m -> m, true);
    policy = dir.resolve("policy.json");
    Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (cncf != null) {
      cncf.close();
    }
  }

  @Test
  void copyFromTheAgent_isThePushedImage() throws Exception {
    String agentHost = agent.uri().getHost() + ":" + agent.uri().getPort();
    Path layout = dir.resolve("copy");

    skopeo(
        "copy",
        "--src-tls-verify=false",
        "docker://" + agentHost + "/demo/app:v1",
        "oci:" + layout + ":v1");

    assertIsThePushedImage(layout);
    assertThat(agent.metrics().blobRequests()).isEqualTo(image.blobs().size());
  }

  @Test
  void copyByRegistryName_withDeployRegistriesConf_goesThroughTheAgent() throws Exception {
    String registry = cncf.baseUri().getHost() + ":" + cncf.baseUri().getPort();
    Path conf = dir.resolve("registries.conf");
    Files.writeString(
        conf,
        DeployTemplates.crioRegistriesConf(
            registry, new HostPort(agent.uri().getHost(), agent.uri().getPort())));
    Path layout = dir.resolve("copy");

    // No --src-tls-verify=false: only the mirror is insecure = true, so a copy that skipped the
    // agent and went to the registry by https would fail instead of passing unseen.
    skopeo(
        "--registries-conf",
        conf.toString(),
        "copy",
        "docker://" + registry + "/demo/app:v1",
        "oci:" + layout + ":v1");

    assertIsThePushedImage(layout);
    assertThat(agent.metrics().manifestRequests()).isPositive();
    assertThat(agent.metrics().blobRequests()).isEqualTo(image.blobs().size());
  }

  /** The layout's manifest is the pushed one, and every blob file hashes to its own name. */
  private void assertIsThePushedImage(Path layout) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(layout.resolve("index.json").toFile());
    assertThat(index.path("manifests")).hasSize(1);
    Digest manifest = Digest.parse(index.path("manifests").get(0).path("digest").asText());
    assertThat(manifest).isEqualTo(image.digest());

    List<String> expected = new ArrayList<>();
    expected.add(image.digest().toString());
    image.blobs().stream().map(Descriptor::digest).map(Digest::toString).forEach(expected::add);
    List<String> copied = new ArrayList<>();
    try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path f : files.toList()) {
        String name = "sha256:" + f.getFileName();
        assertThat(Digest.sha256Of(Files.readAllBytes(f)).toString()).as(name).isEqualTo(name);
        copied.add(name);
      }
    }
    assertThat(copied).containsExactlyInAnyOrderElementsOf(expected);
  }

  private void skopeo(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SKOPEO.toString(), "--policy", policy.toString()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("skopeo.log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).endsWith("_PROXY"));
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.isAlive()).as("skopeo still running: %s", text).isFalse();
    assertThat(p.exitValue()).as("%s: %s", cmd, text).isZero();
  }
}
