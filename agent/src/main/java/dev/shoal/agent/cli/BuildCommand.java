package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.build.AddSpec;
import dev.shoal.agent.build.BaseImage;
import dev.shoal.agent.build.BuildSpec;
import dev.shoal.agent.build.Image;
import dev.shoal.agent.build.ImageBlob;
import dev.shoal.agent.build.ImageBuilder;
import dev.shoal.agent.build.OciLayout;
import dev.shoal.agent.build.PushReport;
import dev.shoal.agent.build.RegistryAccess;
import dev.shoal.agent.build.Target;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.files.FileTrees;
import dev.shoal.core.oci.Platform;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shoal build}: files and directories as reproducible layers on top of a base image, written
 * to an OCI layout or pushed to a registry, with no Docker daemon (mission S3).
 */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Build an image from files and directories on top of a base image, without a Docker daemon,"
          + " and write it to an OCI layout directory or push it. Prints the manifest digest last.",
      "",
      "Each --add is one layer, in the order given: put what changes rarely (dependencies) first"
          + " and what changes often (application classes) last, so that a rebuild pushes only the"
          + " layers that changed. Layers are reproducible: the same files give the same digests on"
          + " any machine (sorted entries, owner 0:0, modes 0644/0755, times fixed to"
          + " $SOURCE_DATE_EPOCH or 1970-01-01).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  shoal build --from eclipse-temurin:17-jre \\",
      "      --add target/lib:/app/lib --add target/classes:/app/classes \\",
      "      --entrypoint 'java -cp /app/classes:/app/lib/* dev.demo.Main' \\",
      "      -t 127.0.0.1:5000/alice/app:v1 --push",
      "  shoal build --from scratch --add deploy/demo/hello.sh:/app/hello.sh \\",
      "      --entrypoint /app/hello.sh -t oci:out/hello:v1"
    })
public final class BuildCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin PushCommand.RegistryOptions registry;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "BASE",
      description = "The base image (any registry), or scratch for none.")
  String from;

  @Option(
      names = "--add",
      paramLabel = "SRC:DEST",
      description =
          "A file or directory and its absolute path in the image; a directory's contents go"
              + " under DEST, a file to DEST (or into DEST/ when it ends with /). One layer each.")
  List<String> adds = new ArrayList<>();

  @Option(
      names = "--entrypoint",
      paramLabel = "CMD",
      description =
          "The entrypoint: a JSON array ('[\"java\",\"-jar\",\"/app/app.jar\"]') or words"
              + " split at spaces. Clears the base's Cmd unless --cmd is given.")
  String entrypoint;

  @Option(
      names = "--cmd",
      paramLabel = "ARGS",
      description = "The default arguments, written like --entrypoint.")
  String cmd;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description = "An environment variable; replaces the base's of the same name.")
  List<String> env = new ArrayList<>();

  @Option(names = "--workdir", paramLabel = "DIR", description = "The working directory.")
  String workdir;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH",
      defaultValue = "linux/amd64",
      description =
          "The base's platform when it is an index, and scratch's (default: ${DEFAULT-VALUE}).")
  String platform;

  @Option(
      names = {"-t", "--tag"},
      required = true,
      paramLabel = "TARGET",
      description = "oci:DIR:TAG (an OCI layout directory) or HOST/REPO:TAG with --push.")
  String target;

  @Option(names = "--push", description = "Push to the registry of -t HOST/REPO:TAG.")
  boolean push;

  private final Environment environment;

  BuildCommand(Environment environment) {
    this.environment = requireNonNull(environment, "environment");
  }

  @Override
  public Integer call() throws ConfigException, FailureException, IOException {
    Target to = PushCommand.parse(target);
    if (!to.isLayout() && !push) {
      throw new ConfigException(
          "-t " + target + ": a registry needs --push (or write a directory with -t oci:DIR:TAG)");
    }
    if (to.isLayout() && push) {
      throw new ConfigException(
          "--push: -t " + target + " is a directory (expected: HOST/REPO:TAG)");
    }
    BuildSpec buildSpec = buildSpec();
    Platform p;
    try {
      p = Platform.parse(platform);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + e.getMessage());
    }
    RegistryAccess access =
        registry.access(environment, to.isLayout() ? null : to.reference().registry());
    BaseImage base = base(access, p);
    PrintWriter out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("shoal-build-");
    try {
      Image image = ImageBuilder.build(base, buildSpec, work);
      List<ImageBlob> layers = image.layers();
      int first = base.layers().size();
      for (int i = first; i < layers.size(); i++) {
        out.printf(
            "layer %s %d bytes  --add %s%n",
            layers.get(i).descriptor().digest(),
            layers.get(i).descriptor().size(),
            adds.get(i - first));
      }
      if (to.isLayout()) {
        new OciLayout(to.layout()).write(image, to.tag());
        out.println(
            "wrote " + to + ": " + first + " base and " + (layers.size() - first) + " new layers");
      } else {
        PushReport report = registry.push(access, image, to.reference());
        out.println(report.summary());
      }
      out.println(image.digest());
      out.flush();
      return 0;
    } finally {
      FileTrees.delete(work);
    }
  }

  private BaseImage base(RegistryAccess access, Platform p)
      throws ConfigException, FailureException, IOException {
    if (from.equals("scratch")) {
      return BaseImage.scratch(p);
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(from);
    } catch (InvalidReferenceException e) {
      throw new ConfigException("--from: " + e.getMessage() + " (or scratch)");
    }
    try {
      return BaseImage.pull(ref, access.client(ref.registry()), p);
    } catch (IOException e) {
      throw PushCommand.explain(e, ref, PushCommand.PULL_BASE);
    }
  }

  private BuildSpec buildSpec() throws ConfigException {
    List<AddSpec> specs = new ArrayList<>();
    try {
      for (String a : adds) {
        specs.add(AddSpec.parse(a));
      }
      return new BuildSpec(
          specs,
          words("--entrypoint", entrypoint),
          words("--cmd", cmd),
          env,
          workdir,
          labels,
          epoch());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private long epoch() throws ConfigException {
    String s = environment.variables().get("SOURCE_DATE_EPOCH");
    if (s == null || s.isBlank()) {
      return 0;
    }
    try {
      long epoch = Long.parseLong(s.strip());
      if (epoch >= 0) {
        return epoch;
      }
    } catch (NumberFormatException e) {
      // Reported below, with what is expected.
    }
    throw new ConfigException(
        "$SOURCE_DATE_EPOCH: \""
            + s
            + "\" (expected: seconds since 1970-01-01, e.g. $(git log -1 --format=%ct))");
  }

  /** A JSON array of strings, or words split at spaces; null when the flag is absent. */
  static List<String> words(String flag, String value) throws ConfigException {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.startsWith("[")) {
      try {
        JsonNode node = JSON.readTree(v);
        List<String> out = new ArrayList<>();
        for (JsonNode e : node) {
          if (!e.isTextual()) {
            throw new ConfigException(
                flag + ": " + e + " is not a string (expected: [\"word\", …])");
          }
          out.add(e.asText());
        }
        return out;
      } catch (IOException e) {
        throw new ConfigException(flag + ": \"" + v + "\" is not a JSON array of strings");
      }
    }
    return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
  }
}
