package dev.shoal.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountsTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @Test
  void bootstrap_usesShoalAdminPassword_andPrintsNothing() throws Exception {
    Accounts accounts = Accounts.open(dir);
    assertThat(accounts.bootstrap(Map.of("SHOAL_ADMIN_PASSWORD", "s3cret-from-env"), out)).isTrue();

    assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(accounts.verify("admin", "s3cret-from-env"))
        .contains(new Account("admin", Role.ADMIN));
    assertThat(Accounts.open(dir).verify("admin", "s3cret-from-env")).isPresent();
    assertThat(Files.readString(dir.resolve(Accounts.FILE))).doesNotContain("s3cret-from-env");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(Accounts.FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void bootstrap_withoutEnv_printsAGeneratedPasswordOnce() throws Exception {
    assertThat(Accounts.open(dir).bootstrap(Map.of(), out)).isTrue();
    String line = printed.toString(StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile(
                "shoal origin: created account admin with password (\\S+); change it with ./shoal"
                    + " account\\n")
            .matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    String password = m.group(1);
    assertThat(password).hasSizeGreaterThanOrEqualTo(32);

    printed.reset();
    Accounts reopened = Accounts.open(dir);
    assertThat(reopened.bootstrap(Map.of(), out)).isFalse();
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(reopened.verify("admin", password)).isPresent();
    assertThat(reopened.list()).containsExactly(new Account("admin", Role.ADMIN));
  }

  @Test
  void addVerifySetPasswordRemove() throws Exception {
    Accounts accounts = Accounts.open(dir);
    accounts.add("admin", "admin-password", Role.ADMIN);
    accounts.add("alice", "alice-password", Role.USER);

    assertThat(accounts.verify("alice", "alice-password"))
        .contains(new Account("alice", Role.USER));
    assertThat(accounts.verify("alice", "admin-password")).isEmpty();
    assertThat(accounts.verify("nobody", "alice-password")).isEmpty();
    assertThatThrownBy(() -> accounts.add("alice", "another-one", Role.USER))
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> accounts.add("Alice/x", "another-one", Role.USER))
        .hasMessageContaining("account name: Alice/x");
    assertThatThrownBy(() -> accounts.add("carol", "short", Role.USER))
        .hasMessageContaining("expected: at least 8");

    accounts.setPassword("alice", "new-alice-password");
    assertThat(Accounts.open(dir).verify("alice", "alice-password")).isEmpty();
    assertThat(Accounts.open(dir).verify("alice", "new-alice-password")).isPresent();

    assertThatThrownBy(() -> accounts.remove("admin")).hasMessageContaining("last admin");
    assertThat(accounts.remove("alice")).isTrue();
    assertThat(accounts.remove("alice")).isFalse();
    assertThat(Accounts.open(dir).list()).containsExactly(new Account("admin", Role.ADMIN));
  }

  @Test
  void open_refusesAnAccountsFileOthersCanRead() throws Exception {
    Accounts.open(dir).add("admin", "admin-password", Role.ADMIN);
    Files.setPosixFilePermissions(
        dir.resolve(Accounts.FILE), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> Accounts.open(dir)).hasMessageContaining("rw-r--r--");
  }

  @Test
  void passwordHash_usesAtLeast210000Iterations_andAFreshSalt() {
    PasswordHash a = PasswordHash.of("same password");
    PasswordHash b = PasswordHash.of("same password");
    assertThat(a.iterations()).isGreaterThanOrEqualTo(210_000);
    assertThat(a.salt()).isNotEqualTo(b.salt());
    assertThat(a.hash()).isNotEqualTo(b.hash());
    assertThat(a.matches("same password")).isTrue();
    assertThat(a.matches("same passwore")).isFalse();
  }
}
