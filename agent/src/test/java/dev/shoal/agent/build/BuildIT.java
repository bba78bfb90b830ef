package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.agent.build.ShoalProcess.Result;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.ImageConfig;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.UpstreamProxy;
import dev.shoal.origin.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shoal build} and {@code shoal push} as a user runs them (the packaged jar in a process of
 * its own), against real registries: the CNCF registry behind a counting proxy, and the origin.
 * skopeo reads what they wrote.
 */
class BuildIT {
  @TempDir Path tmp;
  private ShoalProcess shoal;

  @BeforeEach
  void setUp() throws IOException {
    shoal = new ShoalProcess(Files.createDirectories(tmp.resolve("home")));
  }

  /** A Java application as a build leaves it: dependencies and classes. */
  private Path app(String name, String version) throws IOException {
    Path root = Files.createDirectories(tmp.resolve(name));
    Files.createDirectories(root.resolve("lib"));
    Files.writeString(root.resolve("lib/guava.jar"), "guava bytes ".repeat(1000));
    Files.writeString(root.resolve("lib/jackson.jar"), "jackson bytes ".repeat(1000));
    Files.createDirectories(root.resolve("classes/dev/demo"));
    Files.writeString(root.resolve("classes/dev/demo/Main.class"), "Main " + version);
    Files.copy(ShoalProcess.ROOT.resolve("deploy/demo/hello.sh"), root.resolve("hello.sh"));
    return root;
  }

  private Result build(Path app, String target, String... more)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                "--from",
                "scratch",
                "--add",
                "lib:/app/lib",
                "--add",
                "classes:/app/classes",
                "--entrypoint",
                "[\"java\",\"-cp\",\"/app/classes:/app/lib/*\",\"dev.demo.Main\"]",
                "--env",
                "APP_MODE=demo",
                "--label",
                "org.opencontainers.image.title=demo",
                "-t",
                target));
    args.addAll(List.of(more));
    return shoal.run(app, args.toArray(String[]::new));
  }

  private static String registry(UpstreamProxy proxy) {
    return "127.0.0.1:" + proxy.uri().getPort();
  }

  /**
   * Blob uploads through the proxy: the POST that opens each one (the registry's answer sends the
   * rest of an upload to its own address, past the proxy). No test here mounts through the proxy.
   */
  private static long uploads(UpstreamProxy proxy) {
    return proxy.exchanges().stream()
        .filter(e -> e.method().equals("POST") && e.path().endsWith("/blobs/uploads/"))
        .count();
  }

  @Test
  void layout_isReadBySkopeo_andRebuildingElsewhereGivesTheSameDigest() throws Exception {
    Skopeo.assumeInstalled();
    Path first = app("first", "v1");
    Result r = build(first, "oci:" + tmp.resolve("out") + ":v1").succeeded();

    JsonNode inspect = Skopeo.inspect("oci:" + tmp.resolve("out") + ":v1", false);
    assertThat(inspect.path("Digest").asText()).isEqualTo(r.lastLine());
    assertThat(inspect.path("Layers")).hasSize(2);
    assertThat(inspect.path("Env").toString()).contains("APP_MODE=demo");
    assertThat(inspect.path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo("demo");
    assertThat(inspect.path("Created").asText()).startsWith("1970-01-01T00:00:00");

    Path second = app("second", "v1");
    try (var files = Files.walk(second)) {
      for (Path p : files.toList()) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
      }
    }
    Result again = build(second, "oci:" + tmp.resolve("out2") + ":v1").succeeded();
    assertThat(again.lastLine()).isEqualTo(r.lastLine());

    shoal.env("SOURCE_DATE_EPOCH", "1700000000");
    Result dated = build(second, "oci:" + tmp.resolve("out2") + ":dated").succeeded();
    assertThat(dated.lastLine()).isNotEqualTo(r.lastLine());
    assertThat(
            Skopeo.inspect("oci:" + tmp.resolve("out2") + ":dated", false).path("Created").asText())
        .startsWith("2023-11-14T22:13:20");
    assertThat(Skopeo.inspect("oci:" + tmp.resolve("out2") + ":v1", false).path("Digest").asText())
        .as("a second tag keeps the first")
        .isEqualTo(r.lastLine());
  }

  @Test
  void rebuild_pushesOnlyTheChangedLayer() throws Exception {
    CncfRegistry.assumeInstalled();
    Skopeo.assumeInstalled();
    try (CncfRegistry registry = CncfRegistry.start(Files.createDirectories(tmp.resolve("reg")));
        UpstreamProxy proxy = UpstreamProxy.start(registry.baseUri())) {
      String target = registry(proxy) + "/team/app:v1";
      Path app = app("app", "v1");
      Result first = build(app, target, "--push").succeeded();
      assertThat(first.out()).contains("pushed 2 of 2 layers (", "0 already there");
      long firstUploads = uploads(proxy);
      assertThat(firstUploads).as("two layers and the config").isEqualTo(3);

      Files.writeString(app.resolve("classes/dev/demo/Main.class"), "Main v2");
      proxy.resetCounts();
      Result second = build(app, target, "--push").succeeded();
      assertThat(second.out()).contains("pushed 1 of 2 layers (", "1 already there");
      assertThat(uploads(proxy)).as("the classes layer and the config").isEqualTo(firstUploads - 1);
      assertThat(second.lastLine()).isNotEqualTo(first.lastLine());

      proxy.resetCounts();
      Result third = build(app, target, "--push").succeeded();
      assertThat(third.out()).contains("pushed 0 of 2 layers (0 bytes), 2 already there");
      assertThat(uploads(proxy)).isZero();
      assertThat(third.lastLine()).isEqualTo(second.lastLine());

      JsonNode inspect = Skopeo.inspect("docker://" + target, false);
      assertThat(inspect.path("Digest").asText()).isEqualTo(second.lastLine());
      assertThat(inspect.path("Layers")).hasSize(2);
    }
  }

  @Test
  void onABaseImage_keepsItsLayers_mountsThemInTheSameRegistry_copiesThemToAnother()
      throws Exception {
    CncfRegistry.assumeInstalled();
    Skopeo.assumeInstalled();
    try (CncfRegistry registry = CncfRegistry.start(Files.createDirectories(tmp.resolve("reg")));
        CncfRegistry other = CncfRegistry.start(Files.createDirectories(tmp.resolve("other")));
        UpstreamProxy proxy = UpstreamProxy.start(registry.baseUri())) {
      LayeredImage base = LayeredImage.sample(3);
      base.push(registry.client(), "base/runtime", "1");
      int baseLayers = base.layers().size();
      Path app = app("app", "v1");
      String from = registry(proxy) + "/base/runtime:1";

      Result r =
          shoal
              .run(
                  app,
                  "build",
                  "--from",
                  from,
                  "--add",
                  "hello.sh:/app/hello.sh",
                  "--entrypoint",
                  "/app/hello.sh",
                  "-t",
                  registry(proxy) + "/team/hello:v1",
                  "--push")
              .succeeded();
      assertThat(r.out())
          .contains("pushed 1 of " + (baseLayers + 1) + " layers", baseLayers + " already there");
      assertThat(proxy.exchanges())
          .as("base layers are mounted, never downloaded")
          .noneMatch(
              e ->
                  e.blobGet()
                      && base.layerDigests().stream()
                          .anyMatch(d -> e.path().endsWith(d.toString())));

      RegistryClient client = registry.client();
      ImageManifest manifest =
          ImageManifest.parse(client.manifest("team/hello", "v1", List.of()).bytes());
      assertThat(manifest.digest().toString()).isEqualTo(r.lastLine());
      List<Digest> layers = manifest.layers().stream().map(d -> d.digest()).toList();
      assertThat(layers.subList(0, baseLayers)).isEqualTo(base.layerDigests());
      ImageConfig config;
      try (InputStream in =
          client.openVerifiedBlob(
              "team/hello", manifest.config().digest(), manifest.config().size())) {
        config = ImageConfig.parse(in.readAllBytes());
      }
      ImageConfig baseConfig = ImageConfig.parse(base.config());
      assertThat(config.diffIds())
          .hasSize(baseLayers + 1)
          .startsWith(baseConfig.diffIds().toArray(Digest[]::new));
      assertThat(config.runConfig().entrypoint()).containsExactly("/app/hello.sh");
      assertThat(config.history()).hasSize(baseConfig.history().size() + 1);

      proxy.resetCounts();
      String elsewhere = other.baseUri().getAuthority() + "/team/hello:v1";
      Result copied =
          shoal
              .run(
                  app,
                  "build",
                  "--from",
                  from,
                  "--add",
                  "hello.sh:/app/hello.sh",
                  "--entrypoint",
                  "/app/hello.sh",
                  "-t",
                  elsewhere,
                  "--push")
              .succeeded();
      assertThat(copied.lastLine()).isEqualTo(r.lastLine());
      assertThat(copied.out()).contains("pushed " + (baseLayers + 1) + " of " + (baseLayers + 1));
      assertThat(proxy.blobBytes())
          .as("base layers streamed from the base's registry")
          .isGreaterThanOrEqualTo(
              base.layers().stream().mapToLong(l -> l.descriptor().size()).sum());
      assertThat(Skopeo.inspect("docker://" + elsewhere, false).path("Layers"))
          .hasSize(baseLayers + 1);
    }
  }

  @Test
  void indexBase_isResolvedToThePlatform_andAMissingPlatformIsNamed() throws Exception {
    CncfRegistry.assumeInstalled();
    try (CncfRegistry registry = CncfRegistry.start(Files.createDirectories(tmp.resolve("reg")))) {
      LayeredImage base = LayeredImage.sample(5);
      base.push(registry.client(), "base/multi", "single");
      base.pushIndex(registry.client(), "base/multi", "1");
      String platform = base.index().manifests().get(0).platform().toString();
      Path app = app("app", "v1");
      String from = registry.baseUri().getAuthority() + "/base/multi:1";

      Result built =
          shoal
              .run(
                  app,
                  "build",
                  "--from",
                  from,
                  "--platform",
                  platform,
                  "--add",
                  "hello.sh:/app/",
                  "-t",
                  "oci:" + tmp.resolve("out") + ":v1")
              .succeeded();
      assertThat(built.out())
          .contains("wrote oci:", base.layers().size() + " base and 1 new layers");

      Result other =
          shoal.run(app, "build", "--from", from, "--platform", "windows/riscv64", "-t", "oci:x");
      assertThat(other.exit()).isEqualTo(1);
      assertThat(other.err().strip())
          .contains("has no image for windows/riscv64 (it has: " + platform)
          .contains("--platform");
    }
  }

  @Test
  void pushCommand_pushesALayoutsMissingLayers() throws Exception {
    CncfRegistry.assumeInstalled();
    try (CncfRegistry registry = CncfRegistry.start(Files.createDirectories(tmp.resolve("reg")));
        UpstreamProxy proxy = UpstreamProxy.start(registry.baseUri())) {
      Path app = app("app", "v1");
      String layout = "oci:" + tmp.resolve("out");
      Result built = build(app, layout + ":v1").succeeded();
      Result pushed =
          shoal.run(app, "push", layout + ":v1", registry(proxy) + "/team/app:v1").succeeded();
      assertThat(pushed.out()).contains("pushed 2 of 2 layers");
      assertThat(pushed.lastLine()).isEqualTo(built.lastLine());

      Files.writeString(app.resolve("classes/dev/demo/Main.class"), "Main v2");
      build(app, layout + ":v2").succeeded();
      Result again =
          shoal.run(app, "push", layout + ":v2", registry(proxy) + "/team/app:v2").succeeded();
      assertThat(again.out()).contains("pushed 1 of 2 layers", "1 already there");
    }
  }

  @Test
  void origin_takesTheAccountsPasswordOrLoginToken_andA401SaysHowToLogIn() throws Exception {
    try (TestOrigin origin =
        TestOrigin.start(
            Files.createDirectories(tmp.resolve("origin")), Clock.systemUTC(), "alice")) {
      Path app = app("app", "v1");
      String target = origin.hostPort() + "/alice/app:v1";

      Result refused = build(app, target, "--push");
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err().strip()).contains("401", "shoal login").doesNotContain("\n");

      shoal
          .env("SHOAL_ORIGIN", origin.uri().toString())
          .env("SHOAL_ORIGIN_USER", "alice")
          .env("SHOAL_ORIGIN_PASSWORD", TestOrigin.password("alice"));
      Result withPassword = build(app, target, "--push").succeeded();
      assertThat(withPassword.out()).contains("pushed 2 of 2 layers");

      Result login = shoal.run(app, "login");
      assertThat(login.exit()).as(login.err()).isZero();
      shoal.env("SHOAL_ORIGIN_PASSWORD", login.out().strip());
      Files.writeString(app.resolve("classes/dev/demo/Main.class"), "Main v2");
      Result withToken = build(app, origin.hostPort() + "/alice/app:v2", "--push").succeeded();
      assertThat(withToken.out()).contains("pushed 1 of 2 layers");

      ImageManifest pushed =
          ImageManifest.parse(
              origin.client("alice").manifest("alice/app", "v2", List.of()).bytes());
      assertThat(pushed.digest().toString()).isEqualTo(withToken.lastLine());
    }
  }

  @Test
  void mistakes_areOneLineWithTheFix() throws Exception {
    Path app = app("app", "v1");
    Result missing =
        shoal.run(
            app, "build", "--from", "scratch", "--add", "target/app.jar:/app/", "-t", "oci:out");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip())
        .contains("target/app.jar does not exist")
        .doesNotContain("\n");

    Result badTarget = shoal.run(app, "build", "--from", "scratch", "-t", "Not A Name", "--push");
    assertThat(badTarget.exit()).isEqualTo(2);
    assertThat(badTarget.err().strip()).contains("expected: HOST/REPO:TAG").doesNotContain("\n");

    Result noPush = shoal.run(app, "build", "--from", "scratch", "-t", "127.0.0.1:5/a/b:c");
    assertThat(noPush.exit()).isEqualTo(2);
    assertThat(noPush.err()).contains("needs --push");

    CncfRegistry.assumeInstalled();
    try (CncfRegistry registry = CncfRegistry.start(Files.createDirectories(tmp.resolve("reg")))) {
      Result noBase =
          shoal.run(
              app,
              "build",
              "--from",
              registry.baseUri().getAuthority() + "/no/such:1",
              "-t",
              "oci:out");
      assertThat(noBase.exit()).isEqualTo(1);
      assertThat(noBase.err().strip()).contains("no/such:1 not found").doesNotContain("\n");
    }
  }
}
