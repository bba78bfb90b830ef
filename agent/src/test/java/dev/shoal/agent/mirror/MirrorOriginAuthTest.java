package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static dev.shoal.agent.mirror.MirrorClient.manifestPath;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.AuthChallenge;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.origin.testing.TestOrigin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Shoal origin with token authentication behind the mirror: a private repository's content
 * goes, even from the agent's cache, only to callers the origin accepts for that repository.
 */
@Timeout(60)
class MirrorOriginAuthTest extends ProxiedMirror {
  private static final String REPO = "alice/app";
  private static final String TAG = "v1";

  @TempDir static Path originDir;
  @AutoClose private static TestOrigin origin;
  private static LayeredImage image;
  private static final HttpClient http = MirrorClient.newHttpClient();

  private MirrorClient anonymous;

  @BeforeAll
  static void startOrigin() throws Exception {
    origin = TestOrigin.start(originDir, Clock.systemUTC(), "alice", "bob");
    image = LayeredImage.random(31, 1_200_000, 300_000);
    image.push(origin.client("alice"), REPO, TAG);
  }

  @BeforeEach
  void start() throws Exception {
    startAgent(origin.uri());
    anonymous = client;
  }

  @Test
  void privateRepository_onlyTheRightCallerIsServed_evenFromTheCache() throws Exception {
    MirrorClient alice =
        anonymous.withAuthorization(MirrorClient.basic("alice", TestOrigin.password("alice")));
    Digest layer = image.layerDigests().get(0);

    MirrorClient.Answer challenged = anonymous.manifest(manifestPath(REPO, TAG));
    assertThat(challenged.status()).isEqualTo(401);
    assertThat(challenged.header("WWW-Authenticate"))
        .startsWith("Bearer realm=\"" + origin.uri() + "/token\"");

    assertThat(alice.manifest(manifestPath(REPO, TAG)).body()).isEqualTo(image.manifest().raw());
    for (Digest d : image.blobDigests()) {
      assertThat(alice.get(blobPath(REPO, d)).body()).isEqualTo(image.blob(d));
      assertThat(TestAgents.eventuallyHeld(agent, d)).isTrue();
    }

    // Cached now; still refused to whoever the origin refuses.
    MirrorClient wrongPassword =
        anonymous.withAuthorization(MirrorClient.basic("alice", "not-her-password"));
    MirrorClient bob =
        anonymous.withAuthorization(MirrorClient.basic("bob", TestOrigin.password("bob")));
    for (String path :
        new String[] {
          manifestPath(REPO, TAG),
          manifestPath(REPO, image.manifest().digest().toString()),
          blobPath(REPO, layer)
        }) {
      MirrorClient.Answer none = anonymous.get(path, "Accept", MirrorClient.ACCEPT_ALL);
      assertThat(none.status()).as("anonymous " + path).isEqualTo(401);
      assertThat(none.header("WWW-Authenticate")).startsWith("Bearer realm=");
      MirrorClient.Answer wrong = wrongPassword.get(path, "Accept", MirrorClient.ACCEPT_ALL);
      assertThat(wrong.status()).as("wrong password " + path).isEqualTo(401);
      // The origin answers an account without rights as if the repository did not exist.
      MirrorClient.Answer other = bob.get(path, "Accept", MirrorClient.ACCEPT_ALL);
      assertThat(other.status()).as("bob " + path).isEqualTo(404);
      assertThat(other.body()).isNotEqualTo(image.blob(layer));
    }
  }

  @Test
  void bearerTokenFromTheChallengesRealm_isServed() throws Exception {
    MirrorClient.Answer challenged =
        anonymous.get(blobPath(REPO, image.configDescriptor().digest()));
    assertThat(challenged.status()).isEqualTo(401);
    AuthChallenge c = AuthChallenge.parse(challenged.header("WWW-Authenticate")).orElseThrow();
    assertThat(c.isBearer()).isTrue();

    String aliceToken = token(c, "alice", REPO);
    MirrorClient withToken = anonymous.withAuthorization("Bearer " + aliceToken);
    for (Digest d : image.blobDigests()) {
      MirrorClient.Answer a = withToken.get(blobPath(REPO, d));
      assertThat(a.status()).as(d.toString()).isEqualTo(200);
      assertThat(a.body()).isEqualTo(image.blob(d));
    }
    assertThat(withToken.manifest(manifestPath(REPO, TAG)).body())
        .isEqualTo(image.manifest().raw());

    // Bob's token for the same repository grants nothing there.
    String bobToken = token(c, "bob", REPO);
    MirrorClient.Answer refused =
        anonymous
            .withAuthorization("Bearer " + bobToken)
            .get(blobPath(REPO, image.configDescriptor().digest()));
    assertThat(refused.status()).isIn(401, 403, 404);
    assertThat(refused.body()).isNotEqualTo(image.blob(image.configDescriptor().digest()));
  }

  /** A token from the realm the challenge named, as a client gets one (Basic, pull scope). */
  private static String token(AuthChallenge c, String user, String repo) throws Exception {
    String query =
        "service="
            + URLEncoder.encode(c.param("service").orElseThrow(), StandardCharsets.UTF_8)
            + "&scope="
            + URLEncoder.encode("repository:" + repo + ":pull", StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(c.param("realm").orElseThrow() + "?" + query))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", MirrorClient.basic(user, TestOrigin.password(user)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body()).path("token").asText();
  }
}
