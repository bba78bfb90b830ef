package dev.shoal.core.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a Shoal process reads from its environment. The only class that reads environment variables
 * or system properties; everything else receives an {@code Environment}.
 *
 * @param variables the environment variables
 * @param root whether the process runs as root (uid 0)
 * @param home the user's home directory
 * @param runtime a description of the Java runtime and platform, for {@code shoal version}
 */
public record Environment(Map<String, String> variables, boolean root, Path home, String runtime) {
  /** Set by the {@code ./shoal} launcher to its own absolute path. */
  public static final String LAUNCHER = "SHOAL_LAUNCHER";

  public Environment {
    variables = Map.copyOf(variables);
    requireNonNull(home, "home");
    requireNonNull(runtime, "runtime");
  }

  /** The environment of this process. */
  public static Environment system() {
    return new Environment(
        System.getenv(),
        isRoot(),
        Path.of(System.getProperty("user.home")),
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ") on "
            + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT)
            + " "
            + System.getProperty("os.arch"));
  }

  private static boolean isRoot() {
    try {
      // /proc/self belongs to the process's effective user.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | ClassCastException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * Where a role keeps its data when no directory is configured: {@code /var/lib/shoal/ROLE} for
   * root (a system service), otherwise {@code $XDG_DATA_HOME/shoal/ROLE}, which defaults to {@code
   * ~/.local/share/shoal/ROLE}.
   */
  public Path defaultDataDir(String role) {
    if (root) {
      return Path.of("/var/lib/shoal", role);
    }
    String xdg = variables.getOrDefault("XDG_DATA_HOME", "");
    // The XDG spec says to ignore a relative value.
    Path base = xdg.startsWith("/") ? Path.of(xdg) : home.resolve(".local/share");
    return base.resolve("shoal").resolve(role);
  }

  /** The {@code ./shoal} launcher that started this process, to start other roles with. */
  public Optional<Path> launcher() {
    String value = variables.getOrDefault(LAUNCHER, "");
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }
}
