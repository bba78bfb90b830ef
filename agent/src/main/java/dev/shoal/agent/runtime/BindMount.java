package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.runtime.ContainerException.Kind;

/**
 * A host directory or file bind-mounted into a container ({@code -v HOST:CONTAINER[:ro]}).
 *
 * @param hostPath absolute, on the agent's host; must exist
 * @param containerPath absolute, in the container; created when missing
 */
public record BindMount(String hostPath, String containerPath, boolean readOnly) {
  public BindMount {
    requireNonNull(hostPath, "hostPath");
    requireNonNull(containerPath, "containerPath");
  }

  /**
   * Parses {@code HOST:CONTAINER} or {@code HOST:CONTAINER:ro} (or {@code :rw}).
   *
   * @throws IllegalArgumentException quoting the input and saying what was expected
   */
  public static BindMount parse(String s) {
    String[] parts = s.split(":", -1);
    boolean ok = parts.length == 2 || (parts.length == 3 && parts[2].matches("ro|rw"));
    if (!ok || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "-v " + s + " (expected: HOST_PATH:CONTAINER_PATH[:ro], e.g. /srv/data:/data:ro)");
    }
    return new BindMount(parts[0], parts[1], parts.length == 3 && parts[2].equals("ro"));
  }

  /** Both paths absolute, with no {@code ..} in the container path. */
  void check() throws ContainerException {
    if (!hostPath.startsWith("/") || !containerPath.startsWith("/")) {
      throw new ContainerException(
          Kind.INVALID,
          "-v "
              + this
              + ": both paths must be absolute (the host path is on the agent's host), e.g. "
              + "/srv/data:/data");
    }
    for (String part : containerPath.split("/")) {
      if (part.equals("..")) {
        throw new ContainerException(
            Kind.INVALID, "-v " + this + ": the container path must not contain ..");
      }
    }
  }

  @Override
  public String toString() {
    return hostPath + ":" + containerPath + (readOnly ? ":ro" : "");
  }
}
