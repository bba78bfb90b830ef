package dev.shoal.agent.cli;

import dev.shoal.core.config.Environment;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.origin.testing.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * A real origin on loopback for each test, with its data in a directory of its own, and the {@code
 * shoal} command line pointed at it ({@code $SHOAL_ORIGIN}), for tests of the commands that talk to
 * an origin.
 *
 * <pre>{@code
 * @RegisterExtension final OriginCli cli = new OriginCli();
 * }</pre>
 */
final class OriginCli implements BeforeEachCallback, AfterEachCallback {
  static final String ADMIN_PASSWORD = TestOrigin.ADMIN_PASSWORD;

  private Path dir;
  private TestOrigin origin;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("shoal-origin-cli-");
    origin = TestOrigin.start(dir, Clock.systemUTC());
  }

  /** Stops the origin and deletes its data. */
  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      if (origin != null) {
        origin.close();
      }
    } finally {
      origin = null;
      if (dir != null) {
        try (Stream<Path> tree = Files.walk(dir)) {
          for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /** Runs {@code shoal args…} as {@code user}, password from the environment; the exit code. */
  int runAs(String user, String... args) {
    return run(
        Map.of("SHOAL_ORIGIN_USER", user, "SHOAL_ORIGIN_PASSWORD", TestOrigin.password(user)),
        "",
        args);
  }

  /** Runs {@code shoal args…} with {@code extraEnv} and {@code stdin}; the exit code. */
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

  /** What the last run printed to standard output. */
  String out() {
    return out.toString();
  }

  /** What the last run printed to standard error. */
  String err() {
    return err.toString();
  }

  /** Makes a user account through the origin's admin API. */
  void addUser(String name) throws Exception {
    origin.addUser(name);
  }

  /** A registry client of the origin logged in as {@code user}, for pushing test images. */
  RegistryClient registry(String user) {
    return origin.client(user);
  }
}
