package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Where the client finds the user name and password for a registry host. */
@FunctionalInterface
public interface Credentials {

  /**
   * The credentials for {@code registryHost} ({@code host[:port]}, or {@code docker.io}), or empty
   * for anonymous access.
   */
  Optional<UsernamePassword> lookup(String registryHost);

  /** Anonymous access everywhere. */
  static Credentials none() {
    return host -> Optional.empty();
  }

  /** The same credentials for one host, none for the others. */
  static Credentials of(String registryHost, String username, String password) {
    requireNonNull(registryHost, "registryHost");
    UsernamePassword up = new UsernamePassword(username, password);
    String key = DockerConfigCredentials.normaliseHost(registryHost);
    return host ->
        DockerConfigCredentials.normaliseHost(host).equals(key)
            ? Optional.of(up)
            : Optional.empty();
  }

  /**
   * The {@code auths} of a Docker {@code config.json}, read once now. See {@link
   * DockerConfigCredentials} for what is understood.
   *
   * @throws IOException when the file cannot be read or is not such a file
   */
  static Credentials fromDockerConfig(Path configJson) throws IOException {
    return DockerConfigCredentials.read(configJson);
  }
}
