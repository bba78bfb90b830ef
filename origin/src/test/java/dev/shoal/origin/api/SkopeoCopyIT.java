package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skopeo, a real client, copies a multi-layer image from the CNCF registry into the origin, within
 * the origin to a second repository, and back out to the CNCF registry; every copy must keep the
 * manifest byte-exact and every layer's digest.
 */
class SkopeoCopyIT {
  private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

  private static final String PASSWORD = "skopeo-test-password";
  private static final String CNCF_USER = "ci";
  private static final String CNCF_PASSWORD = "cncf-test-password";

  @TempDir Path dir;
  private CncfRegistry cncf;
  private OriginMain origin;
  private Path policy;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(SKOPEO), "skopeo is installed by ./scripts/test");
    CncfRegistry.assumeInstalledWithHtpasswd();
    cncf =
        CncfRegistry.start(Files.createDirectories(dir.resolve("cncf")), CNCF_USER, CNCF_PASSWORD);
    origin =
        OriginMain.start(
            OriginConfig.defaults(dir.resolve("origin"))
                .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
            Clock.systemUTC(),
            Map.of("SHOAL_ADMIN_PASSWORD", PASSWORD),
            System.out);
    policy = dir.resolve("policy.json");
    Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
  }

  @AfterEach
  void stop() {
    if (origin != null) {
      origin.close();
    }
    if (cncf != null) {
      cncf.close();
    }
  }

  @Test
  void copiesInAndOutKeepManifestAndLayersAndSecondRepoSendsNoLayerBytes() throws Exception {
    RegistryClient fromCncf =
        RegistryClient.builder(cncf.baseUri())
            .credentials(Credentials.of(host(cncf.baseUri()), CNCF_USER, CNCF_PASSWORD))
            .build();
    Image image = pushImage(fromCncf, "demo/app", "v1");

    skopeo("copy", ref(cncf.baseUri(), "demo/app:v1"), ref(origin.uri(), "demo/app:v1"));

    RegistryClient toOrigin =
        RegistryClient.builder(origin.uri())
            .credentials(Credentials.of(host(origin.uri()), "admin", PASSWORD))
            .build();
    assertThat(toOrigin.manifest("demo/app", "v1", List.of(MediaTypes.OCI_MANIFEST)).bytes())
        .isEqualTo(image.manifest);
    for (Descriptor layer : image.layers) {
      try (InputStream in = toOrigin.openVerifiedBlob("demo/app", layer.digest(), layer.size())) {
        assertThat(in.readAllBytes()).hasSize((int) layer.size());
      }
    }
    assertThat(skopeo("inspect", "--raw", ref(origin.uri(), "demo/app:v1")))
        .isEqualTo(new String(image.manifest, StandardCharsets.UTF_8));

    long before = origin.metrics().uploadBytes();
    long mountsBefore = origin.metrics().mounts();
    skopeo("copy", ref(origin.uri(), "demo/app:v1"), ref(origin.uri(), "other/app:v1"));
    long layerBytes = image.layers.stream().mapToLong(Descriptor::size).sum();
    long sent = origin.metrics().uploadBytes() - before;
    // skopeo re-sends the small config blob; every layer is mounted, not sent.
    assertThat(sent)
        .as("bytes uploaded for a second repository of the same image (layers: %d)", layerBytes)
        .isLessThanOrEqualTo(image.configSize);
    assertThat(origin.metrics().mounts() - mountsBefore).as("layers mounted").isEqualTo(3);
    assertThat(toOrigin.manifest("other/app", "v1", List.of(MediaTypes.OCI_MANIFEST)).digest())
        .isEqualTo(image.digest);

    skopeo("copy", ref(origin.uri(), "other/app:v1"), ref(cncf.baseUri(), "back/app:v1"));
    assertThat(fromCncf.manifest("back/app", "v1", List.of(MediaTypes.OCI_MANIFEST)).bytes())
        .isEqualTo(image.manifest);
  }

  private record Image(byte[] manifest, Digest digest, List<Descriptor> layers, long configSize) {}

  private static Image pushImage(RegistryClient client, String repo, String tag) throws Exception {
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] layer = gzip(Blobs.random(100 + i, 200_000 * (i + 1)));
      Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
      client.pushBlob(repo, d.digest(), layer);
      layers.add(d);
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor c = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    client.pushBlob(repo, c.digest(), config);
    byte[] manifest = ImageManifest.of(c, layers).raw();
    Digest digest = client.putManifest(repo, tag, manifest, MediaTypes.OCI_MANIFEST);
    return new Image(manifest, digest, layers, config.length);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static String host(URI registry) {
    return registry.getHost() + ":" + registry.getPort();
  }

  private static String ref(URI registry, String image) {
    return "docker://" + host(registry) + "/" + image;
  }

  private String credsFor(String ref) {
    return ref.startsWith("docker://" + host(origin.uri()) + "/")
        ? "admin:" + PASSWORD
        : CNCF_USER + ":" + CNCF_PASSWORD;
  }

  private String skopeo(String command, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(SKOPEO.toString(), "--policy", policy.toString(), command));
    // Both registries need credentials: the origin its token flow, the CNCF registry htpasswd.
    if (command.equals("copy")) {
      cmd.addAll(List.of("--src-tls-verify=false", "--dest-tls-verify=false"));
      cmd.addAll(List.of("--src-creds", credsFor(args[0])));
      cmd.addAll(List.of("--dest-creds", credsFor(args[args.length - 1])));
    } else {
      cmd.addAll(List.of("--tls-verify=false", "--creds", credsFor(args[args.length - 1])));
    }
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("skopeo %s: %s", cmd, text).isZero();
    return text;
  }
}
