package dev.shoal.agent.runtime;

import dev.shoal.agent.runtime.ContainerException.Kind;
import java.util.List;

/**
 * Which seccomp filter a container runs under, chosen with {@code --security-opt} as with docker
 * and nerdctl: Shoal's {@link SeccompProfile} by default, none with {@code seccomp=unconfined}.
 */
public enum Seccomp {
  DEFAULT("default"),
  UNCONFINED("unconfined");

  private final String label;

  Seccomp(String label) {
    this.label = label;
  }

  /** How the container record and {@code shoal ps --json} name it. */
  public String label() {
    return label;
  }

  /**
   * The mode the {@code --security-opt} values ask for; the last one wins, as in docker.
   *
   * @throws ContainerException INVALID for an option Shoal does not offer
   */
  public static Seccomp fromSecurityOpts(List<String> opts) throws ContainerException {
    Seccomp mode = DEFAULT;
    for (String opt : opts) {
      // docker took "seccomp:unconfined" before "=", and still does.
      String o = opt.strip();
      if (o.equals("seccomp=unconfined") || o.equals("seccomp:unconfined")) {
        mode = UNCONFINED;
      } else if (o.equals("seccomp=default") || o.equals("seccomp:default")) {
        mode = DEFAULT;
      } else {
        throw new ContainerException(
            Kind.INVALID,
            "--security-opt "
                + opt
                + " (expected: seccomp=unconfined to run without the default seccomp profile;"
                + " Shoal offers no other security option)");
      }
    }
    return mode;
  }
}
