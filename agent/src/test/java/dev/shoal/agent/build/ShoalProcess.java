package dev.shoal.agent.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code shoal} command line as a child process (what {@code ./shoal} runs), with a
 * home of its own and only the environment a test gives it.
 */
final class ShoalProcess {
  static final Path ROOT =
      Path.of(System.getProperty("shoal.root", "..")).toAbsolutePath().normalize();
  static final Path JAR = ROOT.resolve("agent/target/shoal-agent.jar");

  /** What a run printed and how it ended. */
  record Result(int exit, String out, String err) {
    /** The last line of standard output: the manifest digest after a build or push. */
    String lastLine() {
      List<String> lines = out.strip().lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    Result succeeded() {
      assertThat(exit).as("exit code; stderr: %s; stdout: %s", err, out).isZero();
      assertThat(lastLine()).matches("sha256:[0-9a-f]{64}");
      return this;
    }
  }

  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  ShoalProcess(Path home) {
    this.home = home;
  }

  ShoalProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(home, "out-", ".txt");
    Path err = Files.createTempFile(home, "err-", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().put("HOME", home.toString());
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "shoal " + String.join(" ", args) + " did not finish in 120s");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
