package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One more registry the mirror pulls through to, besides the default upstream.
 *
 * @param name the registry's host as images name it and containerd sends it in {@code ?ns=}, e.g.
 *     {@code docker.io} or {@code registry.example.com:5000}
 * @param url where to reach it, e.g. {@code https://registry-1.docker.io}
 * @param username a user name of the agent's own for this registry, if any
 * @param passwordFile the file holding that user's password or token (first line)
 */
public record UpstreamConfig(
    String name, URI url, Optional<String> username, Optional<Path> passwordFile) {
  public UpstreamConfig {
    requireNonNull(name, "name");
    requireNonNull(url, "url");
    requireNonNull(username, "username");
    requireNonNull(passwordFile, "passwordFile");
    if (username.isPresent() != passwordFile.isPresent()) {
      throw new IllegalArgumentException(
          "mirror.upstreams."
              + name
              + ": username and passwordFile go together (set both, or neither)");
    }
  }
}
