package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;

/**
 * Settings of the agent's control API (gRPC {@code shoal.control.v1}), which the {@code shoal} CLI
 * talks to.
 *
 * @param listen address of the control API; keep it on loopback: it has no authentication and can
 *     evict and pin blobs
 */
public record ControlConfig(HostPort listen) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5051);

  public ControlConfig {
    requireNonNull(listen, "listen");
  }

  public static ControlConfig defaults() {
    return new ControlConfig(DEFAULT_LISTEN);
  }
}
