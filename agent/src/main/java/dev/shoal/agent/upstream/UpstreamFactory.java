package dev.shoal.agent.upstream;

import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.config.UpstreamConfig;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.registry.UsernamePassword;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the mirror's {@link Upstreams} from its config, reading credentials once at start. */
public final class UpstreamFactory {
  private UpstreamFactory() {}

  /**
   * @throws IOException naming the password file or docker config that could not be read
   */
  public static Upstreams create(MirrorConfig config, String userAgent) throws IOException {
    Credentials docker =
        config.dockerConfig().isPresent()
            ? Credentials.fromDockerConfig(config.dockerConfig().get())
            : Credentials.none();
    URI url = config.upstream();
    Upstream primary = build(hostOf(url), url, docker, userAgent);
    List<Upstream> more = new ArrayList<>();
    for (UpstreamConfig u : config.upstreams()) {
      Credentials creds = docker;
      if (u.username().isPresent()) {
        String password = firstLine(u);
        creds = Credentials.of(u.name(), u.username().get(), password);
      }
      more.add(build(u.name(), u.url(), creds, userAgent));
    }
    return new Upstreams(primary, more);
  }

  private static Upstream build(String name, URI url, Credentials creds, String userAgent) {
    Optional<UsernamePassword> own = creds.lookup(name);
    RegistryClient client =
        RegistryClient.builder(url)
            .credentials(own.isPresent() ? creds : Credentials.none())
            .credentialsHost(name)
            .userAgent(userAgent)
            .build();
    return new Upstream(name, url, client, own.isPresent());
  }

  private static String firstLine(UpstreamConfig u) throws IOException {
    try {
      return Files.readAllLines(u.passwordFile().orElseThrow()).stream()
          .findFirst()
          .orElse("")
          .strip();
    } catch (IOException e) {
      throw new IOException(
          "mirror.upstreams." + u.name() + ".passwordFile: cannot read: " + e.getMessage(), e);
    }
  }

  static String hostOf(URI url) {
    return url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
  }
}
