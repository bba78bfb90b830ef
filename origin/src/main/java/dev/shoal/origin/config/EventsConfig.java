package dev.shoal.origin.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;

/**
 * Settings of the origin's event stream (gRPC {@code shoal.events.v1.Events}) that agents follow.
 *
 * @param listen address of the event stream's gRPC server
 */
public record EventsConfig(HostPort listen) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5002);

  public EventsConfig {
    requireNonNull(listen, "listen");
  }

  public static EventsConfig defaults() {
    return new EventsConfig(DEFAULT_LISTEN);
  }
}
