package dev.shoal.origin.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A containerd of the test's own: root, state and socket in a temp dir, the CRI plugin off (no
 * network listener at all), driven with {@code ctr}. {@link #close} unmounts whatever is still
 * mounted below the directory, then stops containerd; every wait is bounded.
 */
final class PrivateContainerd implements AutoCloseable {
  static final Path CONTAINERD = Path.of("/usr/bin/containerd");
  static final Path CTR = Path.of("/usr/bin/ctr");
  private static final Duration CTR_TIMEOUT = Duration.ofSeconds(120);

  /** What a {@code ctr} run printed (stdout and stderr) and its exit status. */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private final Path dir;
  private final Path socket;
  private final Process process;
  private int runs;

  private PrivateContainerd(Path dir, Path socket, Process process) {
    this.dir = dir;
    this.socket = socket;
    this.process = process;
  }

  /** Skips the test, saying why, when containerd is not installed. */
  static void assumeInstalled() {
    assumeTrue(
        Files.isExecutable(CONTAINERD) && Files.isExecutable(CTR),
        "containerd and ctr are not installed; ./scripts/test installs the Debian package"
            + " containerd");
  }

  /** Starts containerd in {@code dir} and returns once its socket is there (at most 30s). */
  static PrivateContainerd start(Path dir) throws IOException, InterruptedException {
    Path socket = dir.resolve("containerd.sock");
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
    Process process =
        new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("containerd.log").toFile())
            .start();
    PrivateContainerd c = new PrivateContainerd(dir, socket, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket) && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (!Files.exists(socket)) {
      c.close();
      throw new IllegalStateException("containerd did not start within 30s: " + c.log());
    }
    return c;
  }

  /** Runs {@code ctr --address SOCKET args…}; kills it after two minutes. */
  Result ctr(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(CTR.toString(), "--address", socket.toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /**
   * An empty directory to mount an image at, inside containerd's directory so that {@link #close}
   * unmounts it whatever happens in the test.
   */
  Path mountPoint(String name) throws IOException {
    return Files.createDirectories(dir.resolve("mnt").resolve(name));
  }

  /** containerd's log so far, for failure messages. */
  String log() throws IOException {
    return Files.readString(dir.resolve("containerd.log"), StandardCharsets.UTF_8);
  }

  private Result run(List<String> cmd) throws IOException, InterruptedException {
    Path output = dir.resolve("command-" + runs++ + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!p.waitFor(CTR_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new Result(-1, String.join(" ", cmd) + ": timed out after " + CTR_TIMEOUT);
    }
    return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  /** Mount points at or below {@code dir}, deepest first (from {@code /proc/self/mountinfo}). */
  List<Path> mountsBelow() throws IOException {
    List<Path> out = new ArrayList<>();
    Path root = dir.toRealPath();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        Path mountPoint = Path.of(unescape(fields[4]));
        if (mountPoint.startsWith(root)) {
          out.add(mountPoint);
        }
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return out;
  }

  /** mountinfo writes space, tab, newline and backslash as {@code \ooo}. */
  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(s.charAt(i));
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      for (Path mount : mountsBelow()) {
        // A mount left behind would outlive the test and stop its temp dir from being deleted.
        Result r = run(List.of("umount", mount.toString()));
        if (!r.ok()) {
          run(List.of("umount", "-l", mount.toString()));
        }
      }
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
