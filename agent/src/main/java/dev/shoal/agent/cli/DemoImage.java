package dev.shoal.agent.cli;

import dev.shoal.core.config.Environment;
import dev.shoal.core.files.StaticElf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image the demo builds: {@code deploy/demo/hello.sh} of this repository, on this host's
 * statically linked busybox when there is one (Debian's {@code busybox-static}), so that the
 * container has a shell and runs with nothing else from the host.
 */
final class DemoImage {
  private static final List<String> BUSYBOX = List.of("/bin/busybox", "/usr/bin/busybox");
  private static final List<String> RUNC = List.of("/usr/sbin/runc", "/usr/bin/runc", "/sbin/runc");
  private static final List<String> APPLETS = List.of("sh", "cat", "echo", "hostname");

  private DemoImage() {}

  static String describe() {
    return staticBusybox().isPresent()
        ? "deploy/demo/hello.sh and this host's static busybox"
        : "deploy/demo/hello.sh";
  }

  /**
   * The {@code shoal build} arguments before {@code -t}. With a static busybox, a {@code /bin} of
   * busybox and links to the applets the script uses is staged under {@code staging} first.
   */
  static List<String> buildArgs(Environment env, Path staging) throws IOException {
    Path script = repository(env).resolve("deploy/demo/hello.sh");
    List<String> args = new ArrayList<>(List.of("--from", "scratch"));
    Optional<Path> busybox = staticBusybox();
    if (busybox.isPresent()) {
      Path bin = Files.createDirectories(staging.resolve("bin"));
      Files.copy(busybox.get(), bin.resolve("busybox"));
      for (String applet : APPLETS) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
      args.addAll(List.of("--add", bin + ":/bin", "--env", "PATH=/bin"));
    }
    args.addAll(List.of("--add", script + ":/hello.sh", "--entrypoint", "/bin/sh /hello.sh"));
    return args;
  }

  /** Whether the container can run here: runc, a static busybox, and root. */
  static boolean canRun() {
    return whyNotRun().isEmpty();
  }

  /** Empty when it can run; else what is missing, with the fix. */
  static String whyNotRun() {
    if (RUNC.stream().map(Path::of).noneMatch(Files::isExecutable)) {
      return "runc is not installed (apt-get install runc)";
    }
    if (staticBusybox().isEmpty()) {
      return "no statically linked busybox for a shell in the image (apt-get install busybox-static)";
    }
    if (!root()) {
      return "runc needs root (run the demo as root)";
    }
    return "";
  }

  private static Path repository(Environment env) {
    return env.launcher().map(Path::getParent).orElse(Path.of("."));
  }

  static Optional<Path> staticBusybox() {
    for (String candidate : BUSYBOX) {
      Path p = Path.of(candidate);
      try {
        if (Files.isExecutable(p) && StaticElf.is(p.toRealPath())) {
          return Optional.of(p.toRealPath());
        }
      } catch (IOException e) {
        // Not readable: not a candidate.
      }
    }
    return Optional.empty();
  }

  private static boolean root() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      // No /proc: not Linux, no runc either.
    }
    return false;
  }
}
