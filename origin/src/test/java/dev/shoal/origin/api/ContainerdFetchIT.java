package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.Blobs;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd's {@code ctr}, a real client, fetches an image from the origin with credentials
 * (through the token flow) into a private containerd started by the test.
 */
class ContainerdFetchIT {
  private static final Path CONTAINERD = Path.of("/usr/bin/containerd");
  private static final Path CTR = Path.of("/usr/bin/ctr");
  private static final String PASSWORD = "ctr-test-password";

  @TempDir Path dir;
  private Process containerd;
  private Path socket;
  private OriginMain origin;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CONTAINERD) && Files.isExecutable(CTR),
        "containerd is installed by ./scripts/test");
    socket = dir.resolve("containerd.sock");
    Path config = dir.resolve("containerd.toml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version = 2",
            "root = \"" + dir.resolve("root") + "\"",
            "state = \"" + dir.resolve("state") + "\"",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "[grpc]",
            "  address = \"" + socket + "\"",
            ""));
    containerd =
        new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("containerd.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(socket).as("containerd socket").exists();
    origin =
        OriginMain.start(
            OriginConfig.defaults(dir.resolve("origin"))
                .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
            Clock.systemUTC(),
            Map.of("SHOAL_ADMIN_PASSWORD", PASSWORD),
            System.out);
  }

  @AfterEach
  void stop() throws Exception {
    if (origin != null) {
      origin.close();
    }
    if (containerd != null) {
      containerd.destroy();
      if (!containerd.waitFor(20, TimeUnit.SECONDS)) {
        containerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void ctrFetchesEveryLayerWithCredentialsAndNothingWithout() throws Exception {
    String host = origin.uri().getHost() + ":" + origin.uri().getPort();
    RegistryClient client =
        RegistryClient.builder(origin.uri())
            .credentials(Credentials.of(host, "admin", PASSWORD))
            .build();
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      byte[] layer = Blobs.random(200 + i, 100_000);
      Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
      client.pushBlob("admin/app", d.digest(), layer);
      layers.add(d);
    }
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Descriptor c = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    client.pushBlob("admin/app", c.digest(), config);
    client.putManifest(
        "admin/app", "v1", ImageManifest.of(c, layers).raw(), MediaTypes.OCI_MANIFEST);

    String ref = host + "/admin/app:v1";
    assertThat(ctr("content", "fetch", "--plain-http", ref).exit)
        .as("without credentials")
        .isNotZero();

    Result fetched = ctr("content", "fetch", "--plain-http", "--user", "admin:" + PASSWORD, ref);
    assertThat(fetched.exit).as(fetched.output).isZero();
    String content = ctr("content", "ls").output;
    for (Descriptor d : layers) {
      assertThat(content).contains(d.digest().toString());
    }
    assertThat(content).contains(c.digest().toString());
  }

  private record Result(int exit, String output) {}

  private Result ctr(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CTR.toString(), "--address", socket.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
