package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.ConfigValues;
import dev.shoal.core.config.HostPort;
import java.net.URI;

/**
 * Settings of the agent's registry mirror: the HTTP endpoint the host's container runtime pulls
 * from, and the registry it pulls through to.
 *
 * @param listen address of the mirror's HTTP server
 * @param upstream base URL of the registry behind the mirror (a Shoal origin or any OCI registry)
 */
public record MirrorConfig(HostPort listen, URI upstream) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5050);

  /** The origin's default address, so that an agent and an origin on one host work unconfigured. */
  public static final URI DEFAULT_UPSTREAM = URI.create("http://127.0.0.1:5000");

  public MirrorConfig {
    requireNonNull(listen, "listen");
    requireNonNull(upstream, "upstream");
    String scheme = String.valueOf(upstream.getScheme());
    if (!(scheme.equals("http") || scheme.equals("https")) || upstream.getHost() == null) {
      throw new IllegalArgumentException(
          "mirror.upstream: "
              + ConfigValues.quote(upstream.toString())
              + " (expected: "
              + ConfigValues.HTTP_URL
              + ")");
    }
  }

  public static MirrorConfig defaults() {
    return new MirrorConfig(DEFAULT_LISTEN, DEFAULT_UPSTREAM);
  }

  public MirrorConfig withListen(HostPort address) {
    return new MirrorConfig(address, upstream);
  }

  public MirrorConfig withUpstream(URI url) {
    return new MirrorConfig(listen, url);
  }
}
