package dev.shoal.agent.upstream;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The registries behind the mirror: a default for clients that do not say which registry they mean,
 * and others by name for containerd, which sends the image's registry as {@code ?ns=}.
 */
public final class Upstreams {
  private final Upstream defaultUpstream;
  private final Map<String, Upstream> byName;

  public Upstreams(Upstream defaultUpstream, Collection<Upstream> others) {
    this.defaultUpstream = requireNonNull(defaultUpstream, "defaultUpstream");
    Map<String, Upstream> map = new LinkedHashMap<>();
    map.put(key(defaultUpstream.name()), defaultUpstream);
    for (Upstream u : others) {
      map.put(key(u.name()), u);
    }
    this.byName = Map.copyOf(map);
  }

  public Upstream defaultUpstream() {
    return defaultUpstream;
  }

  public Collection<Upstream> all() {
    return byName.values();
  }

  /**
   * The upstream for containerd's {@code ns} parameter; the default when {@code ns} is null or
   * empty; empty when no upstream of that name is configured.
   */
  public Optional<Upstream> resolve(String ns) {
    if (ns == null || ns.isBlank()) {
      return Optional.of(defaultUpstream);
    }
    return Optional.ofNullable(byName.get(key(ns)));
  }

  private static String key(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return Upstream.isDockerHub(n) ? "docker.io" : n;
  }
}
