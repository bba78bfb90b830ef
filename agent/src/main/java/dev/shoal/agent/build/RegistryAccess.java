package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.registry.UsernamePassword;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Clients of the registries a build reads from and pushes to, with credentials found the way the
 * rest of the CLI finds them, first match wins:
 *
 * <ol>
 *   <li>{@code --creds USER:PASS}, for the target registry only;
 *   <li>the origin's account: for the registry at {@code $SHOAL_ORIGIN} (default {@code
 *       http://127.0.0.1:5000}), user {@code $SHOAL_ORIGIN_USER} (default {@code admin}) with
 *       {@code $SHOAL_ORIGIN_PASSWORD}, a password or a token from {@code shoal login};
 *   <li>the {@code auths} of Docker's {@code config.json} ({@code $DOCKER_CONFIG} or {@code
 *       ~/.docker}).
 * </ol>
 *
 * <p>Loopback registries are spoken to over plain HTTP, others over HTTPS unless {@code insecure}.
 */
public final class RegistryAccess {
  static final String ORIGIN_VARIABLE = "SHOAL_ORIGIN";
  static final String USER_VARIABLE = "SHOAL_ORIGIN_USER";
  static final String PASSWORD_VARIABLE = "SHOAL_ORIGIN_PASSWORD";

  private final Credentials credentials;
  private final boolean insecure;

  private RegistryAccess(Credentials credentials, boolean insecure) {
    this.credentials = credentials;
    this.insecure = insecure;
  }

  /**
   * @param env the process environment
   * @param home the user's home, where {@code .docker/config.json} is looked for
   * @param creds {@code USER:PASS} from {@code --creds}, or null
   * @param target the registry {@code creds} are for, or null
   * @param insecure plain HTTP to every registry
   */
  public static RegistryAccess of(
      Map<String, String> env, Path home, String creds, String target, boolean insecure)
      throws IOException {
    requireNonNull(env, "env");
    Credentials explicit = Credentials.none();
    if (creds != null) {
      int colon = creds.indexOf(':');
      if (colon <= 0 || target == null) {
        throw new IllegalArgumentException("--creds: expected USER:PASS (got no ':')");
      }
      explicit = Credentials.of(target, creds.substring(0, colon), creds.substring(colon + 1));
    }
    Credentials origin = Credentials.none();
    String password = env.get(PASSWORD_VARIABLE);
    if (password != null && !password.isEmpty()) {
      URI url = URI.create(env.getOrDefault(ORIGIN_VARIABLE, "http://127.0.0.1:5000"));
      String host = url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
      origin = Credentials.of(host, env.getOrDefault(USER_VARIABLE, "admin"), password);
    }
    Path dockerDir =
        env.containsKey("DOCKER_CONFIG")
            ? Path.of(env.get("DOCKER_CONFIG"))
            : home.resolve(".docker");
    Path dockerConfig = dockerDir.resolve("config.json");
    Credentials docker =
        Files.isRegularFile(dockerConfig)
            ? Credentials.fromDockerConfig(dockerConfig)
            : Credentials.none();
    Credentials first = explicit;
    Credentials second = origin;
    return new RegistryAccess(
        host -> or(first.lookup(host), second.lookup(host), docker.lookup(host)), insecure);
  }

  @SafeVarargs
  private static Optional<UsernamePassword> or(Optional<UsernamePassword>... choices) {
    for (Optional<UsernamePassword> c : choices) {
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  /** A client of {@code registry} ({@code host[:port]}, or {@code docker.io}). */
  public RegistryClient client(String registry) {
    var builder = RegistryClient.builder(baseUri(registry)).credentials(credentials);
    if (registry.equals(ImageReference.DOCKER_HUB)) {
      builder.credentialsHost(ImageReference.DOCKER_HUB);
    }
    return builder.userAgent("shoal-build").build();
  }

  /** {@code https://HOST}, or {@code http://HOST} for loopback or when insecure. */
  URI baseUri(String registry) {
    if (registry.equals(ImageReference.DOCKER_HUB)) {
      return URI.create("https://registry-1.docker.io");
    }
    return URI.create((insecure || isLoopback(registry) ? "http://" : "https://") + registry);
  }

  static boolean isLoopback(String registry) {
    String host = registry.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      return host.startsWith("[::1]");
    }
    int colon = host.indexOf(':');
    host = colon < 0 ? host : host.substring(0, colon);
    return host.equals("localhost") || host.startsWith("127.");
  }

  /** The fix for a 401 from {@code registry}. */
  public static String loginHint(String registry) {
    return "set $"
        + ORIGIN_VARIABLE
        + (isLoopback(registry) ? "=http://" : "=https://")
        + registry
        + ", $"
        + USER_VARIABLE
        + " and $"
        + PASSWORD_VARIABLE
        + " (the password, or a token from `shoal login`), or pass --creds USER:PASS";
  }
}
