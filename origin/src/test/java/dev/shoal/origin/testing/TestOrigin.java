package dev.shoal.origin.testing;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A real origin on loopback (ephemeral ports, data in a test's directory) for HTTP-level tests of
 * every module: account {@code admin} with {@link #ADMIN_PASSWORD}, plus user accounts whose
 * password is {@code <name>-password}.
 *
 * <pre>{@code
 * try (TestOrigin origin = TestOrigin.start(dir, Clock.systemUTC(), "alice")) {
 *   LayeredImage.sample(1).push(origin.client("alice"), "alice/app", "v1");
 * }
 * }</pre>
 */
public final class TestOrigin implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "test-origin-admin-password";

  private final OriginMain origin;

  private TestOrigin(OriginMain origin) {
    this.origin = origin;
  }

  /** Starts an origin with its data in {@code dir}, and adds the user accounts {@code users}. */
  public static TestOrigin start(Path dir, Clock clock, String... users)
      throws IOException, InterruptedException {
    TestOrigin t =
        new TestOrigin(
            OriginMain.start(
                OriginConfig.defaults(dir)
                    .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                    .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
                clock,
                Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD),
                System.out));
    try {
      for (String user : users) {
        t.addUser(user);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  /** The password of account {@code user}. */
  public static String password(String user) {
    return user.equals("admin") ? ADMIN_PASSWORD : user + "-password";
  }

  public URI uri() {
    return origin.uri();
  }

  /** {@code HOST:PORT} of the registry API, as image references name the origin. */
  public String hostPort() {
    return origin.uri().getHost() + ":" + origin.uri().getPort();
  }

  /** Raw HTTP with {@code user}'s password as Basic credentials. */
  public RegistryHttp as(String user) {
    return new RegistryHttp(origin.uri(), RegistryHttp.basic(user, password(user)));
  }

  public RegistryHttp anonymous() {
    return new RegistryHttp(origin.uri());
  }

  /** The core registry client, logging in as {@code user} through the token flow. */
  public RegistryClient client(String user) {
    return RegistryClient.builder(origin.uri())
        .credentials(Credentials.of(hostPort(), user, password(user)))
        .build();
  }

  /** Makes user account {@code name} through the admin API. */
  public void addUser(String name) throws IOException, InterruptedException {
    String body = "{\"name\":\"" + name + "\",\"password\":\"" + password(name) + "\"}";
    HttpResponse<byte[]> r =
        as("admin").send("POST", "/shoal/v1/accounts", body.getBytes(StandardCharsets.UTF_8));
    if (r.statusCode() != 201) {
      throw new IllegalStateException(
          "adding account " + name + ": " + r.statusCode() + " " + RegistryHttp.text(r));
    }
  }

  @Override
  public void close() {
    origin.close();
  }
}
