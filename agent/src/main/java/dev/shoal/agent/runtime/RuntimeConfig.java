package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the agent runs containers (DESIGN.md "Storage"): unpacked layers in {@code
 * <data>/layers/}, one bundle per container in {@code <data>/containers/<id>/}, the container index
 * in {@code <data>/containers/index/}, and runc's own state in {@code <data>/runc/}.
 *
 * @param dataDir the agent's data directory
 * @param runc the runc executable, a path or a name looked up on {@code PATH}
 * @param stopTimeout how long {@code stop} waits after SIGTERM before SIGKILL, when not told
 */
public record RuntimeConfig(Path dataDir, String runc, Duration stopTimeout) {
  public RuntimeConfig {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(runc, "runc");
    requireNonNull(stopTimeout, "stopTimeout");
    if (runc.isBlank()) {
      throw new IllegalArgumentException("runc: empty (expected: a path or a command name)");
    }
    if (stopTimeout.isNegative() || stopTimeout.isZero()) {
      throw new IllegalArgumentException("stopTimeout: " + stopTimeout + " (expected: > 0)");
    }
  }

  /** runc from {@code PATH}, ten seconds from SIGTERM to SIGKILL (as Docker does). */
  public static RuntimeConfig defaults(Path dataDir) {
    return new RuntimeConfig(dataDir, "runc", Duration.ofSeconds(10));
  }

  public Path layersDir() {
    return dataDir.resolve("layers");
  }

  public Path containersDir() {
    return dataDir.resolve("containers");
  }

  public Path indexDir() {
    return containersDir().resolve("index");
  }

  /** runc's {@code --root}: its state of the agent's containers, apart from other runc users. */
  public Path runcRoot() {
    return dataDir.resolve("runc");
  }

  /** The bundle of one container: config.json, rootfs, logs, exit file. */
  public Path bundle(String id) {
    return containersDir().resolve(id);
  }
}
