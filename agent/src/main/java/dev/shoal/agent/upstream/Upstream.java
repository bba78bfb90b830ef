package dev.shoal.agent.upstream;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.registry.RegistryClient;
import java.net.URI;
import java.util.Locale;

/**
 * One registry the mirror pulls through to.
 *
 * <p>With credentials of its own (from the agent's config or a docker {@code config.json}) the
 * upstream is the host's: callers need none, as with a pull secret on the node. Without, the mirror
 * relays each caller's {@code Authorization} header, so the upstream judges every caller itself.
 */
public final class Upstream {
  private final String name;
  private final URI url;
  private final RegistryClient client;
  private final boolean ownCredentials;
  private final boolean dockerHub;
  // Set once the registry answered a request for part of a blob with all of it.
  private volatile boolean wholeBlobsOnly;

  /**
   * @param name the registry's host as clients name it (containerd's {@code ns}), e.g. {@code
   *     docker.io} or {@code registry.example.com:5000}
   * @param client a client of {@code url} with the upstream's own credentials, or anonymous
   * @param ownCredentials whether {@code client} has credentials of its own
   */
  public Upstream(String name, URI url, RegistryClient client, boolean ownCredentials) {
    this.name = requireNonNull(name, "name");
    this.url = requireNonNull(url, "url");
    this.client = requireNonNull(client, "client");
    this.ownCredentials = ownCredentials;
    this.dockerHub = isDockerHub(name) || isDockerHub(url.getHost());
  }

  public String name() {
    return name;
  }

  public URI url() {
    return url;
  }

  public boolean ownCredentials() {
    return ownCredentials;
  }

  /** Whether the registry may be asked for part of a blob: it has not refused so far. */
  public boolean readsRanges() {
    return !wholeBlobsOnly;
  }

  /** The registry answered a request for part of a blob with all of it: not asked again. */
  void ignoresRanges() {
    wholeBlobsOnly = true;
  }

  /**
   * The repository as the upstream names it: on Docker Hub an official image's one-part name gets
   * its {@code library/} prefix, as docker itself adds it.
   */
  public String repository(String name) {
    return dockerHub && name.indexOf('/') < 0 ? "library/" + name : name;
  }

  /**
   * The client for a caller that sent {@code authorization} (null when none): the upstream's own
   * credentials when it has them, else the caller's relayed as they are, else anonymous.
   */
  public RegistryClient clientFor(String authorization) {
    if (ownCredentials || authorization == null) {
      return client;
    }
    return client.withAuthorization(authorization);
  }

  static boolean isDockerHub(String host) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    return h.equals("docker.io")
        || h.equals("index.docker.io")
        || h.equals("registry-1.docker.io")
        || h.equals("registry.hub.docker.com");
  }

  @Override
  public String toString() {
    return name + "=" + url;
  }
}
