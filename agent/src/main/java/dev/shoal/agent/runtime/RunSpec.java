package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@code shoal run} asked for.
 *
 * @param image {@code [REGISTRY/]REPOSITORY[:TAG][@DIGEST]}
 * @param name empty for the short id
 * @param env {@code NAME=VALUE} entries added to the image's Env, overriding it by name
 * @param args replaces the image's Cmd when not empty (the Entrypoint stays)
 * @param hostNetwork the host's network namespace instead of a new one with only loopback
 * @param seccomp the seccomp filter ({@code --security-opt})
 */
public record RunSpec(
    String image,
    String name,
    List<String> env,
    List<BindMount> mounts,
    List<String> args,
    boolean hostNetwork,
    Seccomp seccomp) {
  public RunSpec {
    requireNonNull(image, "image");
    requireNonNull(name, "name");
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
    args = List.copyOf(args);
    requireNonNull(seccomp, "seccomp");
  }
}
