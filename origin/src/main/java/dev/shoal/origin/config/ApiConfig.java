package dev.shoal.origin.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;

/**
 * Settings of the origin's registry API (OCI Distribution) server.
 *
 * @param listen address of the API's HTTP server
 */
public record ApiConfig(HostPort listen) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5000);

  public ApiConfig {
    requireNonNull(listen, "listen");
  }

  public static ApiConfig defaults() {
    return new ApiConfig(DEFAULT_LISTEN);
  }

  public ApiConfig withListen(HostPort address) {
    return new ApiConfig(address);
  }
}
