package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.ConfigValues;
import dev.shoal.core.config.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the agent's registry mirror: the HTTP endpoint the host's container runtime pulls
 * from, and the registries it pulls through to.
 *
 * @param listen address of the mirror's HTTP server
 * @param upstream base URL of the default registry behind the mirror (a Shoal origin or any OCI
 *     registry), for clients that do not name one
 * @param upstreams more registries, chosen by containerd's {@code ?ns=}
 * @param dockerConfig a docker {@code config.json} whose credentials the agent uses as its own
 * @param tagTtl how long a tag's resolution is used before asking the upstream again
 * @param authTtl how long an upstream's yes to a caller for a repository is remembered
 * @param authStale how old a yes may be and still count while the upstream is unreachable
 */
public record MirrorConfig(
    HostPort listen,
    URI upstream,
    List<UpstreamConfig> upstreams,
    Optional<Path> dockerConfig,
    Duration tagTtl,
    Duration authTtl,
    Duration authStale) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5050);

  /** The origin's default address, so that an agent and an origin on one host work unconfigured. */
  public static final URI DEFAULT_UPSTREAM = URI.create("http://127.0.0.1:5000");

  public static final Duration DEFAULT_TAG_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_AUTH_TTL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_AUTH_STALE = Duration.ofHours(1);

  public MirrorConfig {
    requireNonNull(listen, "listen");
    requireNonNull(upstream, "upstream");
    upstreams = List.copyOf(upstreams);
    requireNonNull(dockerConfig, "dockerConfig");
    requireNonNull(tagTtl, "tagTtl");
    requireNonNull(authTtl, "authTtl");
    requireNonNull(authStale, "authStale");
    String scheme = String.valueOf(upstream.getScheme());
    if (!(scheme.equals("http") || scheme.equals("https")) || upstream.getHost() == null) {
      throw new IllegalArgumentException(
          "mirror.upstream: "
              + ConfigValues.quote(upstream.toString())
              + " (expected: "
              + ConfigValues.HTTP_URL
              + ")");
    }
    if (tagTtl.isNegative() || authTtl.isNegative() || authStale.compareTo(authTtl) < 0) {
      throw new IllegalArgumentException(
          "mirror: tagTtl and authTtl must be >= 0 and authStale >= authTtl (got tagTtl="
              + tagTtl
              + " authTtl="
              + authTtl
              + " authStale="
              + authStale
              + ")");
    }
  }

  public MirrorConfig(HostPort listen, URI upstream) {
    this(
        listen,
        upstream,
        List.of(),
        Optional.empty(),
        DEFAULT_TAG_TTL,
        DEFAULT_AUTH_TTL,
        DEFAULT_AUTH_STALE);
  }

  public static MirrorConfig defaults() {
    return new MirrorConfig(DEFAULT_LISTEN, DEFAULT_UPSTREAM);
  }

  public MirrorConfig withListen(HostPort address) {
    return new MirrorConfig(address, upstream, upstreams, dockerConfig, tagTtl, authTtl, authStale);
  }

  public MirrorConfig withUpstream(URI url) {
    return new MirrorConfig(listen, url, upstreams, dockerConfig, tagTtl, authTtl, authStale);
  }

  public MirrorConfig withTagTtl(Duration ttl) {
    return new MirrorConfig(listen, upstream, upstreams, dockerConfig, ttl, authTtl, authStale);
  }

  public MirrorConfig withUpstreams(List<UpstreamConfig> more) {
    return new MirrorConfig(listen, upstream, more, dockerConfig, tagTtl, authTtl, authStale);
  }
}
