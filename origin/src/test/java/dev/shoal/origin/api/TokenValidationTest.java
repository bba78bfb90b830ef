package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.origin.testing.RegistryHttp;
import dev.shoal.origin.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad tokens over HTTP: expired, forged, unsigned, and another tenant's, against a real origin. */
class TokenValidationTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());
  private TestOrigin origin;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(dir, clock, "alice");
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private String token(String user, String password, String scope) throws Exception {
    HttpResponse<byte[]> r =
        new RegistryHttp(origin.uri(), RegistryHttp.basic(user, password))
            .get("/token?service=shoal&scope=" + scope);
    assertThat(r.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body()).path("token").asText();
  }

  private HttpResponse<byte[]> tagsWith(String bearer, String repo) throws Exception {
    return new RegistryHttp(origin.uri(), "Bearer " + bearer).get("/v2/" + repo + "/tags/list");
  }

  @Test
  void expiredToken_isRefusedAsInvalid() throws Exception {
    String t = token("alice", TestOrigin.password("alice"), "repository:alice/app:pull");
    assertThat(tagsWith(t, "alice/app").statusCode()).as("valid now: repo empty").isEqualTo(404);

    clock.advance(Duration.ofMinutes(10));

    HttpResponse<byte[]> r = tagsWith(t, "alice/app");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
  }

  @Test
  void forgedAndUnsignedTokens_areRefused() throws Exception {
    String t = token("alice", TestOrigin.password("alice"), "repository:alice/app:pull");
    String[] parts = t.split("\\.");
    // Someone else's grant pasted into alice's signed token.
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("alice/app", "bob/app");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(tagsWith(tampered, "bob/app").statusCode()).isEqualTo(401);

    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + ".";
    assertThat(tagsWith(none, "alice/app").statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenAskedForAnotherTenantsRepository_grantsNothing() throws Exception {
    String t = token("alice", TestOrigin.password("alice"), "repository:admin/private:pull,push");
    HttpResponse<byte[]> r = tagsWith(t, "admin/private");
    // As if the repository did not exist: alice learns nothing about it.
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(RegistryHttp.text(r)).contains("NAME_UNKNOWN");
  }
}
