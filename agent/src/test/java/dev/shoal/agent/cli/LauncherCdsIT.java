package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./shoal} launcher's class data sharing archive for CLI commands, with the packaged
 * jars: a command records it in the background, later commands map it, and a broken archive changes
 * nothing a user sees.
 */
class LauncherCdsIT {
  private static final Path ROOT =
      Path.of(System.getProperty("shoal.root", "..")).toAbsolutePath().normalize();
  private static final Path TARGET = ROOT.resolve("agent/target");
  private static final Duration RECORDING = Duration.ofSeconds(120);

  private record Result(int exit, String stdout, String stderr) {}

  @Test
  void archiveIsRecordedThenUsed_andABrokenOneChangesNothing() throws Exception {
    // A marker of an earlier failure (of this or another build) would stop the recording.
    Optional<Path> failed;
    while ((failed = find(".jsa.failed")).isPresent()) {
      Files.delete(failed.get());
    }
    Result first = shoal(List.of(), "version");
    assertThat(first.exit()).isZero();
    assertThat(first.stdout()).startsWith("shoal ");

    Path archive = awaitArchive();
    // With -Xshare:on the JVM refuses to start unless it maps the archive the launcher passes.
    Result mapped = shoal(List.of("SHOAL_JAVA_OPTS=-Xshare:on"), "version");
    assertThat(mapped).isEqualTo(new Result(0, first.stdout(), ""));

    byte[] garbage = new byte[64 << 10];
    new java.util.Random(6).nextBytes(garbage);
    Files.delete(archive);
    Files.write(archive, garbage);
    try {
      assertThat(shoal(List.of(), "version")).isEqualTo(new Result(0, first.stdout(), ""));
    } finally {
      Files.delete(archive); // the next command records a good one again
    }
  }

  private static Path awaitArchive() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(RECORDING);
    while (Instant.now().isBefore(deadline)) {
      Optional<Path> failed = find(".jsa.failed");
      assertThat(failed).as("the launcher gave up recording the archive").isEmpty();
      Optional<Path> archive = find(".jsa");
      if (archive.isPresent()) {
        return archive.get();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no archive in " + TARGET + " after " + RECORDING);
  }

  private static Optional<Path> find(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(TARGET)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("shoal-cli-"))
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .findFirst();
    }
  }

  private static Result shoal(List<String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder();
    b.command().add(ROOT.resolve("shoal").toString());
    b.command().addAll(List.of(args));
    b.directory(ROOT.toFile());
    // The jars are fresh from this build; the launcher must not start another Maven.
    b.environment().put("SHOAL_SKIP_BUILD", "1");
    for (String e : env) {
      int eq = e.indexOf('=');
      b.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    Path out = Files.createTempFile("shoal-cds-it", ".out");
    Path err = Files.createTempFile("shoal-cds-it", ".err");
    try {
      b.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = b.start();
      p.getOutputStream().close();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("shoal %s exits", List.of(args)).isTrue();
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }
}
