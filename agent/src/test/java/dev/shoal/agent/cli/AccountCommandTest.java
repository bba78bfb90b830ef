package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** shoal account and shoal login against a real origin on loopback. */
class AccountCommandTest {
  @RegisterExtension final OriginCli cli = new OriginCli();

  /** As the admin without naming a user: the commands' default user. */
  private int asAdmin(String... args) {
    return cli.run(Map.of("SHOAL_ORIGIN_PASSWORD", OriginCli.ADMIN_PASSWORD), "", args);
  }

  @Test
  void addListLoginRemove() {
    assertThat(asAdmin("account", "add", "alice")).isZero();
    Matcher m =
        Pattern.compile("created account alice \\(user\\) with password (\\S+)").matcher(cli.out());
    assertThat(m.find()).as(cli.out()).isTrue();
    String password = m.group(1);

    assertThat(asAdmin("account", "list")).isZero();
    assertThat(cli.out()).contains("NAME", "admin", "alice").contains("user");
    assertThat(asAdmin("account", "list", "--json")).isZero();
    assertThat(cli.out()).contains("\"accounts\"", "\"alice\"").doesNotContain("NAME");

    assertThat(cli.run(Map.of(), password + "\n", "login", "--user", "alice", "--password-stdin"))
        .isZero();
    assertThat(cli.out().trim()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(cli.err()).contains("token for alice, valid 12h");

    assertThat(asAdmin("account", "remove", "alice")).isZero();
    assertThat(cli.run(Map.of(), password, "login", "--user", "alice", "--password-stdin"))
        .isEqualTo(1);
  }

  @Test
  void wrongOrMissingPassword_isOneLineWithTheFix() {
    assertThat(cli.run(Map.of("SHOAL_ORIGIN_PASSWORD", "guess"), "", "account", "list"))
        .isEqualTo(1);
    assertThat(cli.err())
        .contains("check --user and the password in $SHOAL_ORIGIN_PASSWORD")
        .hasLineCount(1);
    assertThat(cli.run(Map.of(), "", "account", "list")).isEqualTo(1);
    assertThat(cli.err().trim())
        .isEqualTo(
            "shoal account list: no password: set $SHOAL_ORIGIN_PASSWORD or pass --password-stdin");
  }

  @Test
  void nonAdmin_cannotManageAccounts() {
    asAdmin("account", "add", "bob");
    Matcher m = Pattern.compile("with password (\\S+)").matcher(cli.out());
    assertThat(m.find()).isTrue();
    assertThat(
            cli.run(
                Map.of("SHOAL_ORIGIN_PASSWORD", m.group(1), "SHOAL_ORIGIN_USER", "bob"),
                "",
                "account",
                "list"))
        .isEqualTo(1);
    assertThat(cli.err()).contains("this needs an admin account");
  }
}
