package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** shoal key rotate and shoal key list against a real origin on loopback. */
class KeyCommandTest {
  @RegisterExtension final OriginCli cli = new OriginCli();

  @Test
  void rotate_printsTheNewKey_andListShowsWhichKeySigns() throws Exception {
    assertThat(cli.runAs("admin", "key", "list")).isZero();
    assertThat(cli.out()).startsWith("KID").contains("signs new tokens").hasLineCount(2);

    assertThat(cli.runAs("admin", "key", "rotate")).isZero();
    Matcher m = Pattern.compile("new signing key (\\S+)").matcher(cli.out());
    assertThat(m.find()).as(cli.out()).isTrue();
    String kid = m.group(1);
    assertThat(cli.out()).contains("tokens signed by older keys stay valid until they expire");

    assertThat(cli.runAs("admin", "key", "list")).isZero();
    String[] lines = cli.out().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[1]).contains("verifies only");
    assertThat(lines[2]).startsWith(kid).contains("signs new tokens");
  }

  @Test
  void json_isTheOriginsAnswer() throws Exception {
    assertThat(cli.runAs("admin", "key", "rotate", "--json")).isZero();
    String kid = new ObjectMapper().readTree(cli.out()).path("kid").asText();

    assertThat(cli.runAs("admin", "key", "list", "--json")).isZero();
    JsonNode keys = new ObjectMapper().readTree(cli.out()).path("keys");
    assertThat(keys).hasSize(2);
    assertThat(keys.get(1).path("kid").asText()).isEqualTo(kid);
    assertThat(keys.get(1).path("signing").asBoolean()).isTrue();
  }

  @Test
  void nonAdmin_isOneLineSayingWhatToDo() throws Exception {
    cli.addUser("alice");
    assertThat(cli.runAs("alice", "key", "rotate")).isEqualTo(1);
    assertThat(cli.err().trim())
        .isEqualTo(
            "shoal key rotate: this needs an admin account (pass --user with an admin account)");
    assertThat(cli.runAs("admin", "key", "list")).isZero();
    assertThat(cli.out()).as("nothing rotated").hasLineCount(2);
  }
}
