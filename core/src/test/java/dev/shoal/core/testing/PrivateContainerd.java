package dev.shoal.core.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A containerd of a test's own ({@code /usr/bin/containerd}, Debian package {@code containerd}):
 * its root, state and socket live under one directory, it listens on that unix socket only (no TCP,
 * no CRI plugin), and {@code ctr} runs against it with a {@code --hosts-dir} of the test's {@code
 * hosts.toml} files. {@link #close()} stops it, unmounts whatever it left mounted under its
 * directory and deletes its root and state; a cleanup that fails throws, so it cannot go unseen.
 * Needs root; tests call {@link #assumeAvailable()} first. It runs no containers.
 *
 * <pre>{@code
 * try (PrivateContainerd containerd = PrivateContainerd.start(tempDir.resolve("containerd"))) {
 *   containerd.hostsToml("_default", "[host.\"http://127.0.0.1:5050\"] …");
 *   PrivateContainerd.Result pull = containerd.pull("127.0.0.1:5000/app:v1", "--user", "u:p");
 * }
 * }</pre>
 */
public final class PrivateContainerd implements AutoCloseable {
  public static final Path CONTAINERD = Path.of("/usr/bin/containerd");
  public static final Path CTR = Path.of("/usr/bin/ctr");

  /** Longest any one {@code ctr} command may run. */
  public static final Duration CTR_TIMEOUT = Duration.ofMinutes(2);

  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(20);
  // sun_path holds 108 bytes, and containerd adds ".ttrpc" for its second socket.
  private static final int MAX_SOCKET_PATH = 100;

  private final Path dir;
  private final Process process;
  private final Path socket;
  private final Path hostsDir;
  private final AtomicInteger runs = new AtomicInteger();
  private String snapshotter = "native";

  /** What one {@code ctr} command did. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
    }
  }

  private PrivateContainerd(Path dir, Process process, Path socket) {
    this.dir = dir;
    this.process = process;
    this.socket = socket;
    this.hostsDir = dir.resolve("certs.d");
  }

  /** Skips the calling test (JUnit assumption) without containerd, ctr or root. */
  public static void assumeAvailable() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(CONTAINERD) && Files.isExecutable(CTR),
        "containerd is not installed (apt-get install containerd; ./scripts/test does)");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        RootCleanup.runningAsRoot(), "containerd needs root");
  }

  /**
   * Starts a containerd whose root, state, socket and hosts directory are under {@code directory},
   * which must be empty or not exist yet (every start is a fresh containerd with nothing cached),
   * and returns once it answers {@code ctr version}.
   *
   * @throws IOException with containerd's log when it did not come up within 30 s
   */
  public static PrivateContainerd start(Path directory) throws IOException, InterruptedException {
    Path dir = requireNonNull(directory, "directory").toAbsolutePath().normalize();
    Files.createDirectories(dir);
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("dir: " + dir + " (expected: empty, for a fresh root)");
      }
    }
    Path socket = dir.resolve("containerd.sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      throw new IllegalArgumentException(
          "dir: " + dir + " (expected: a path short enough for a unix socket under it)");
    }
    Path config = dir.resolve("containerd.toml");
    Files.writeString(config, config(dir, socket));
    Files.createDirectories(dir.resolve("certs.d"));
    ProcessBuilder pb =
        new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("containerd.log").toFile());
    scrub(pb.environment());
    PrivateContainerd containerd = new PrivateContainerd(dir, pb.start(), socket);
    try {
      containerd.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        containerd.close();
      } catch (IOException | RuntimeException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
    return containerd;
  }

  private static String config(Path dir, Path socket) {
    return String.join(
        "\n",
        "version = 2",
        "root = \"" + dir.resolve("root") + "\"",
        "state = \"" + dir.resolve("state") + "\"",
        // No CRI: it would start a CNI network and a streaming server. Pulls need none of it.
        "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
        "[grpc]",
        "  address = \"" + socket + "\"",
        "[debug]",
        "  level = \"info\"",
        // The opt plugin would otherwise create /opt/containerd on the host.
        "[plugins.\"io.containerd.internal.v1.opt\"]",
        "  path = \"" + dir.resolve("opt") + "\"",
        "");
  }

  /** The directory {@code ctr} gets as {@code --hosts-dir}: {@code HOST/hosts.toml} files. */
  public Path hostsDir() {
    return hostsDir;
  }

  /**
   * Writes {@code hosts.toml} for registry {@code host} ({@code host:port}, or {@code _default} for
   * every registry without a file of its own), as in {@code /etc/containerd/certs.d}.
   */
  public Path hostsToml(String host, String toml) throws IOException {
    Path file = hostsDir.resolve(host).resolve("hosts.toml");
    if (!file.normalize().startsWith(hostsDir)) {
      throw new IllegalArgumentException("host: " + host + " (expected: HOST[:PORT] or _default)");
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, toml);
    return file;
  }

  /** {@code overlayfs} where the kernel lets containerd mount it, else {@code native}. */
  public String snapshotter() {
    return snapshotter;
  }

  /** {@code ctr images pull} (fetch and unpack) with the hosts directory and the snapshotter. */
  public Result pull(String ref, String... flags) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("images", "pull"));
    args.addAll(List.of("--hosts-dir", hostsDir.toString(), "--snapshotter", snapshotter));
    args.addAll(List.of(flags));
    args.add(ref);
    return ctr(args);
  }

  /** {@code ctr content fetch} (content only, no unpack) with the hosts directory. */
  public Result fetch(String ref, String... flags) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("content", "fetch"));
    args.addAll(List.of("--hosts-dir", hostsDir.toString()));
    args.addAll(List.of(flags));
    args.add(ref);
    return ctr(args);
  }

  /** The digests in containerd's content store ({@code ctr content ls -q}). */
  public List<String> contentDigests() throws IOException, InterruptedException {
    Result ls = require(ctr(List.of("content", "ls", "-q")));
    return ls.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** What a test does with an image's mounted root file system. */
  @FunctionalInterface
  public interface RootfsReader<T> {
    T read(Path rootfs) throws IOException;
  }

  /**
   * Mounts the pulled image's root file system read-only (with {@link #snapshotter()}), hands it to
   * {@code reader} and unmounts it again, also when the reader fails.
   */
  public <T> T withMounted(String ref, RootfsReader<T> reader)
      throws IOException, InterruptedException {
    Path target = Files.createDirectories(dir.resolve("mnt-" + runs.incrementAndGet()));
    require(ctr(List.of("images", "mount", "--snapshotter", snapshotter, ref, target.toString())));
    T read;
    try {
      read = reader.read(target);
    } catch (IOException | RuntimeException | Error e) {
      Result unmounted = ctr(List.of("images", "unmount", "--rm", target.toString()));
      if (!unmounted.succeeded()) {
        e.addSuppressed(new IOException(unmounted.toString()));
      }
      throw e;
    }
    require(ctr(List.of("images", "unmount", "--rm", target.toString())));
    return read;
  }

  /**
   * Reads {@code paths} (relative to the root) of the pulled image's mounted root file system. A
   * path that is not a regular file in the image is absent from the answer.
   */
  public Map<String, byte[]> readFiles(String ref, Collection<String> paths)
      throws IOException, InterruptedException {
    return withMounted(
        ref,
        root -> {
          Map<String, byte[]> files = new LinkedHashMap<>();
          for (String p : paths) {
            Path file = root.resolve(p).normalize();
            if (file.startsWith(root) && Files.isRegularFile(file)) {
              files.put(p, Files.readAllBytes(file));
            }
          }
          return files;
        });
  }

  /** Runs {@code ctr --address SOCKET ARGS…} for at most {@link #CTR_TIMEOUT}. */
  public Result ctr(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(CTR.toString(), "--address", socket.toString()));
    cmd.addAll(args);
    Path out = dir.resolve("ctr-" + runs.incrementAndGet() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    scrub(pb.environment());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(CTR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(
          String.join(" ", cmd) + " did not finish within " + CTR_TIMEOUT + ":\n" + read(out));
    }
    return new Result(List.copyOf(cmd), p.exitValue(), read(out));
  }

  /** What containerd logged so far, for failure messages. */
  public String log() throws IOException {
    return read(dir.resolve("containerd.log"));
  }

  /**
   * Stops containerd (SIGTERM, then SIGKILL after 20 s), unmounts what is still mounted under its
   * directory and deletes its root and state.
   *
   * @throws IllegalStateException when containerd would not die or a mount would not go
   */
  @Override
  public void close() throws IOException {
    try {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        throw new IllegalStateException("containerd pid " + process.pid() + " would not stop");
      }
      List<Path> left = RootCleanup.unmountUnder(dir);
      if (!left.isEmpty()) {
        throw new IllegalStateException("still mounted after containerd stopped: " + left);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping containerd in " + dir);
    }
    RootCleanup.deleteTree(dir.resolve("root"));
    RootCleanup.deleteTree(dir.resolve("state"));
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("containerd exited with " + process.exitValue() + ":\n" + log());
      }
      if (Files.exists(socket) && ctr(List.of("version")).succeeded()) {
        snapshotter = overlayWorks() ? "overlayfs" : "native";
        return;
      }
      // Polling a child process's socket is the one wait with nothing to be notified by.
      Thread.sleep(100);
    }
    throw new IOException("containerd did not answer within " + STARTUP + ":\n" + log());
  }

  /** containerd loads overlayfs only after a trial mount on its root worked. */
  private boolean overlayWorks() throws IOException, InterruptedException {
    Result plugins = require(ctr(List.of("plugins", "ls")));
    return plugins.output().lines().anyMatch(l -> l.matches("\\S+\\s+overlayfs\\s+\\S+\\s+ok\\s*"));
  }

  private static Result require(Result r) throws IOException {
    if (!r.succeeded()) {
      throw new IOException(r.toString());
    }
    return r;
  }

  /** The children talk to this containerd and to loopback registries only, never via a proxy. */
  private static void scrub(Map<String, String> env) {
    env.keySet()
        .removeIf(
            k -> {
              String u = k.toUpperCase(java.util.Locale.ROOT);
              return u.startsWith("CONTAINERD_") || u.endsWith("_PROXY");
            });
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
