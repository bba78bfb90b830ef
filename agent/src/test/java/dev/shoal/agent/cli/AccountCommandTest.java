package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** shoal account and shoal login against a real origin on loopback. */
class AccountCommandTest {
  private static final String ADMIN_PASSWORD = "cli-test-admin-password";

  @TempDir Path dir;
  private OriginMain origin;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    origin =
        OriginMain.start(
            OriginConfig.defaults(dir)
                .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
            Clock.systemUTC(),
            Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD),
            System.out);
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private int run(Map<String, String> extraEnv, String stdin, String... args) {
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

  private int asAdmin(String... args) {
    return run(Map.of("SHOAL_ORIGIN_PASSWORD", ADMIN_PASSWORD), "", args);
  }

  @Test
  void addListLoginRemove() {
    assertThat(asAdmin("account", "add", "alice")).isZero();
    Matcher m =
        Pattern.compile("created account alice \\(user\\) with password (\\S+)")
            .matcher(out.toString());
    assertThat(m.find()).as(out.toString()).isTrue();
    String password = m.group(1);

    assertThat(asAdmin("account", "list")).isZero();
    assertThat(out.toString()).contains("NAME", "admin", "alice").contains("user");

    assertThat(run(Map.of(), password + "\n", "login", "--user", "alice", "--password-stdin"))
        .isZero();
    assertThat(out.toString().trim()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(err.toString()).contains("token for alice, valid 12h");

    assertThat(asAdmin("account", "remove", "alice")).isZero();
    assertThat(run(Map.of(), password, "login", "--user", "alice", "--password-stdin"))
        .isEqualTo(1);
  }

  @Test
  void wrongOrMissingPassword_isOneLineWithTheFix() {
    assertThat(run(Map.of("SHOAL_ORIGIN_PASSWORD", "guess"), "", "account", "list")).isEqualTo(1);
    assertThat(err.toString())
        .contains("check --user and the password in $SHOAL_ORIGIN_PASSWORD")
        .hasLineCount(1);
    assertThat(run(Map.of(), "", "account", "list")).isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo(
            "shoal account list: no password: set $SHOAL_ORIGIN_PASSWORD or pass --password-stdin");
  }

  @Test
  void nonAdmin_cannotManageAccounts() {
    asAdmin("account", "add", "bob");
    Matcher m = Pattern.compile("with password (\\S+)").matcher(out.toString());
    assertThat(m.find()).isTrue();
    assertThat(
            run(
                Map.of("SHOAL_ORIGIN_PASSWORD", m.group(1), "SHOAL_ORIGIN_USER", "bob"),
                "",
                "account",
                "list"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("this needs an admin account");
  }
}
