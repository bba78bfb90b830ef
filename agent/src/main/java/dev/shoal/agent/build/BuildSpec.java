package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What {@code shoal build} adds to its base image.
 *
 * @param adds one layer each, bottom first
 * @param entrypoint the new {@code Entrypoint}, or null to keep the base's
 * @param cmd the new {@code Cmd}, or null to keep the base's (cleared when only the entrypoint is
 *     set, as a Dockerfile's {@code ENTRYPOINT} does)
 * @param env {@code NAME=value} entries that replace the base's of the same name or are appended
 * @param workingDir the new {@code WorkingDir}, or null to keep the base's
 * @param labels added to (or replacing) the base's labels
 * @param epoch seconds since the epoch: every file's modification time and the image's {@code
 *     created}
 */
public record BuildSpec(
    List<AddSpec> adds,
    List<String> entrypoint,
    List<String> cmd,
    List<String> env,
    String workingDir,
    Map<String, String> labels,
    long epoch) {
  public BuildSpec {
    adds = List.copyOf(adds);
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    cmd = cmd == null ? null : List.copyOf(cmd);
    env = List.copyOf(env);
    labels = Map.copyOf(requireNonNull(labels, "labels"));
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException("--env: \"" + e + "\" (expected: NAME=value)");
      }
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch: " + epoch + " (expected: >= 0)");
    }
  }

  /** Only layers, nothing else changed, files dated 1970-01-01. */
  public static BuildSpec of(List<AddSpec> adds) {
    return new BuildSpec(adds, null, null, List.of(), null, Map.of(), 0);
  }
}
