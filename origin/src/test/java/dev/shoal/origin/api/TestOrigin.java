package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A real origin on loopback for HTTP-level tests: account {@code admin}, plus user accounts whose
 * password is {@code <name>-password}.
 */
final class TestOrigin implements AutoCloseable {
  static final String ADMIN_PASSWORD = "test-origin-admin-password";

  private final OriginMain origin;

  private TestOrigin(OriginMain origin) {
    this.origin = origin;
  }

  static TestOrigin start(Path dir, Clock clock, String... users) throws Exception {
    TestOrigin t =
        new TestOrigin(
            OriginMain.start(
                OriginConfig.defaults(dir)
                    .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                    .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
                clock,
                Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD),
                System.out));
    for (String user : users) {
      t.addUser(user);
    }
    return t;
  }

  static String password(String user) {
    return user.equals("admin") ? ADMIN_PASSWORD : user + "-password";
  }

  URI uri() {
    return origin.uri();
  }

  /** Raw HTTP with {@code user}'s password as Basic credentials. */
  RegistryHttp as(String user) {
    return new RegistryHttp(origin.uri(), RegistryHttp.basic(user, password(user)));
  }

  RegistryHttp anonymous() {
    return new RegistryHttp(origin.uri());
  }

  /** The core registry client, logging in as {@code user} through the token flow. */
  RegistryClient client(String user) {
    String host = origin.uri().getHost() + ":" + origin.uri().getPort();
    return RegistryClient.builder(origin.uri())
        .credentials(Credentials.of(host, user, password(user)))
        .build();
  }

  private void addUser(String name) throws Exception {
    String body = "{\"name\":\"" + name + "\",\"password\":\"" + password(name) + "\"}";
    HttpResponse<byte[]> r =
        as("admin").send("POST", "/shoal/v1/accounts", body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(201);
  }

  @Override
  public void close() {
    origin.close();
  }
}
