package dev.shoal.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path dir;

  @Test
  void dockerConfig_readsAuthAndUsernamePassword_withDockerHubAlias() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        "{\"auths\":{"
            + "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnB3OmNvbG9u\"},"
            + "\"localhost:5000\":{\"username\":\"u\",\"password\":\"p\"},"
            + "\"ghcr.io\":{\"identitytoken\":\"ignored\"}}}");
    Credentials c = Credentials.fromDockerConfig(config);
    assertThat(c.lookup("docker.io")).contains(new UsernamePassword("hub", "pw:colon"));
    assertThat(c.lookup("registry-1.docker.io")).contains(new UsernamePassword("hub", "pw:colon"));
    assertThat(c.lookup("localhost:5000")).contains(new UsernamePassword("u", "p"));
    assertThat(c.lookup("ghcr.io")).isEmpty();
  }

  @Test
  void challenge_quotedValuesWithCommas() {
    AuthChallenge c =
        AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"a, b\","
                    + "scope=\"repository:x:pull,push\"")
            .orElseThrow();
    assertThat(c.isBearer()).isTrue();
    assertThat(c.param("realm")).contains("https://auth.example/token");
    assertThat(c.param("service")).contains("a, b");
    assertThat(c.param("scope")).contains("repository:x:pull,push");
    assertThat(AuthChallenge.parse("Basic realm=\"Registry Realm\"").orElseThrow().isBasic())
        .isTrue();
  }
}
