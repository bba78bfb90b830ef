package dev.shoal.agent.cli;

import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * A real origin on loopback and the {@code shoal} command line pointed at it ({@code
 * $SHOAL_ORIGIN}), for tests of the commands that talk to an origin.
 */
final class OriginCli implements AutoCloseable {
  static final String ADMIN_PASSWORD = "origin-cli-test-admin";

  private final OriginMain origin;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  OriginCli(Path dir) throws Exception {
    origin =
        OriginMain.start(
            OriginConfig.defaults(dir)
                .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
            Clock.systemUTC(),
            Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD),
            System.out);
  }

  static String password(String user) {
    return user.equals("admin") ? ADMIN_PASSWORD : user + "-password";
  }

  /** Runs {@code shoal args…} as {@code user}, password from the environment; the exit code. */
  int runAs(String user, String... args) {
    return run(
        Map.of("SHOAL_ORIGIN_USER", user, "SHOAL_ORIGIN_PASSWORD", password(user)), "", args);
  }

  int run(Map<String, String> extraEnv, String stdin, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Map<String, String> vars = new HashMap<>(extraEnv);
    vars.put("SHOAL_ORIGIN", origin.uri().toString());
    Environment env = new Environment(vars, false, Path.of("/home/ana"), "java 17 (test)");
    CommandLine cli =
        ShoalCli.commandLine(
            env,
            Clock.systemUTC(),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  /** Makes a user account through the origin's admin API. */
  void addUser(String name) throws Exception {
    String body = "{\"name\":\"" + name + "\",\"password\":\"" + password(name) + "\"}";
    HttpRequest request =
        HttpRequest.newBuilder(origin.uri().resolve("/shoal/v1/accounts"))
            .timeout(Duration.ofSeconds(30))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            ("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("adding account " + name + ": " + r.body());
    }
  }

  /** A registry client of the origin logged in as {@code user}, for pushing test images. */
  RegistryClient registry(String user) {
    URI uri = origin.uri();
    return RegistryClient.builder(uri)
        .credentials(Credentials.of(uri.getHost() + ":" + uri.getPort(), user, password(user)))
        .build();
  }

  @Override
  public void close() {
    origin.close();
  }
}
