package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.origin.testing.RegistryHttp;
import dev.shoal.origin.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing key rotation through the admin API, and what it does to tokens, over real HTTP. */
class KeyRotationHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());
  private TestOrigin origin;
  private Digest blob;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(dir, clock, "alice");
    byte[] bytes = Blobs.random(7, 3000);
    blob = Digest.sha256Of(bytes);
    HttpResponse<byte[]> r =
        origin.as("admin").send("POST", "/v2/team/app/blobs/uploads/?digest=" + blob, bytes);
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private String accessToken() throws Exception {
    HttpResponse<byte[]> r =
        origin.as("admin").get("/token?service=shoal&scope=repository:team/app:pull");
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).path("token").asText();
  }

  private static String kid(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0])).path("kid").asText();
  }

  private int pullWith(String token) throws Exception {
    return new RegistryHttp(origin.uri(), "Bearer " + token)
        .get("/v2/team/app/blobs/" + blob)
        .statusCode();
  }

  private JsonNode keys() throws Exception {
    HttpResponse<byte[]> r = origin.as("admin").get("/shoal/v1/keys");
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).path("keys");
  }

  private String rotate() throws Exception {
    HttpResponse<byte[]> r = origin.as("admin").send("POST", "/shoal/v1/keys/rotate", null);
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(200);
    return JSON.readTree(r.body()).path("kid").asText();
  }

  private static List<String> kids(JsonNode keys) {
    List<String> out = new ArrayList<>();
    keys.forEach(k -> out.add(k.path("kid").asText()));
    return out;
  }

  @Test
  void tokenFromBeforeRotationWorksUntilItExpires_newTokensCarryTheNewKid() throws Exception {
    String before = accessToken();
    String oldKid = kid(before);
    assertThat(kids(keys())).containsExactly(oldKid);

    String newKid = rotate();

    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(pullWith(before)).as("old token after rotation").isEqualTo(200);
    String after = accessToken();
    assertThat(kid(after)).isEqualTo(newKid);
    assertThat(pullWith(after)).isEqualTo(200);

    clock.advance(Duration.ofMinutes(6));
    assertThat(pullWith(before)).as("old token once expired").isEqualTo(401);
    assertThat(pullWith(accessToken())).isEqualTo(200);
  }

  @Test
  void keyList_showsIdsCreationAndWhichSigns_neverTheSecret() throws Exception {
    String first = kids(keys()).get(0);
    clock.advance(Duration.ofMinutes(1));
    String second = rotate();

    JsonNode keys = keys();
    assertThat(kids(keys)).containsExactly(first, second);
    assertThat(keys.get(0).path("signing").asBoolean()).isFalse();
    assertThat(keys.get(1).path("signing").asBoolean()).isTrue();
    assertThat(Instant.parse(keys.get(1).path("created").asText()))
        .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    for (JsonNode k : keys) {
      assertThat(k.fieldNames()).toIterable().containsExactly("kid", "created", "signing");
    }
  }

  @Test
  void retiredKeyIsDroppedOnceEveryTokenItSignedHasExpired() throws Exception {
    HttpResponse<byte[]> r = origin.as("alice").send("POST", "/shoal/v1/login-token", null);
    String login = JSON.readTree(r.body()).path("token").asText();
    RegistryHttp withLogin = new RegistryHttp(origin.uri(), RegistryHttp.basic("alice", login));
    String second = rotate();

    clock.advance(Duration.ofHours(11));
    assertThat(withLogin.get("/v2/").statusCode())
        .as("a 12-hour login token signed by the retired key")
        .isEqualTo(200);

    clock.advance(Duration.ofHours(2));
    String third = rotate();
    assertThat(kids(keys())).containsExactly(second, third);
    assertThat(withLogin.get("/v2/").statusCode()).isEqualTo(401);
  }

  @Test
  void onlyAdminAccountCredentialsSeeOrRotateKeys() throws Exception {
    HttpResponse<byte[]> list = origin.as("alice").get("/shoal/v1/keys");
    assertThat(list.statusCode()).isEqualTo(403);
    assertThat(RegistryHttp.text(list)).contains("DENIED", "this needs an admin account");
    assertThat(origin.as("alice").send("POST", "/shoal/v1/keys/rotate", null).statusCode())
        .isEqualTo(403);
    assertThat(origin.anonymous().send("POST", "/shoal/v1/keys/rotate", null).statusCode())
        .isEqualTo(401);

    // An admin's registry access token is scoped to repositories and handed to runtimes: it must
    // not administer the origin.
    HttpResponse<byte[]> bearer =
        new RegistryHttp(origin.uri(), "Bearer " + accessToken())
            .send("POST", "/shoal/v1/keys/rotate", null);
    assertThat(bearer.statusCode()).isEqualTo(401);
    assertThat(RegistryHttp.text(bearer)).contains("use an account's password or login token");

    assertThat(keys()).as("no rotation happened").hasSize(1);
  }
}
