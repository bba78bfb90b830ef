package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.AgentMain;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.AuthChallenge;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.UpstreamProxy;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
class MirrorOriginAuthTest {
  private static final String ADMIN_PASSWORD = "mirror-test-admin-password";
  private static final String REPO = "alice/app";

  @TempDir static Path originDir;
  private static OriginMain origin;
  private static TestImage image;
  private static final HttpClient http = MirrorClient.newHttpClient();

  @TempDir Path data;
  private UpstreamProxy proxy;
  private AgentMain agent;
  private MirrorClient anonymous;

  @BeforeAll
  static void startOrigin() throws Exception {
    origin =
        OriginMain.start(
            OriginConfig.defaults(originDir)
                .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
            Clock.systemUTC(),
            Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD),
            System.out);
    addAccount("alice");
    addAccount("bob");
    URI o = origin.uri();
    RegistryClient alice =
        RegistryClient.builder(o)
            .credentials(Credentials.of(o.getHost() + ":" + o.getPort(), "alice", "alice-password"))
            .build();
    image = TestImage.push(alice, REPO, "v1", 31, 1_200_000, 300_000);
  }

  @AfterAll
  static void stopOrigin() {
    if (origin != null) {
      origin.close();
    }
  }

  @BeforeEach
  void startAgent() throws Exception {
    proxy = UpstreamProxy.start(origin.uri());
    agent = TestAgents.start(data, proxy.uri(), Clock.systemUTC());
    anonymous = new MirrorClient(agent.uri());
  }

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private static void addAccount(String name) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(origin.uri().resolve("/shoal/v1/accounts"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", MirrorClient.basic("admin", ADMIN_PASSWORD))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\""
                            + name
                            + "\",\"password\":\""
                            + name
                            + "-password\",\"role\":\"user\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void privateRepository_onlyTheRightCallerIsServed_evenFromTheCache() throws Exception {
    MirrorClient alice = anonymous.withAuthorization(MirrorClient.basic("alice", "alice-password"));
    Digest layer = image.layerDigests().get(0);

    MirrorClient.Answer challenged = anonymous.manifest(image.manifestPath(image.tag()));
    assertThat(challenged.status()).isEqualTo(401);
    assertThat(challenged.header("WWW-Authenticate"))
        .startsWith("Bearer realm=\"" + origin.uri() + "/token\"");

    assertThat(alice.manifest(image.manifestPath(image.tag())).body())
        .isEqualTo(image.manifest().raw());
    for (Digest d : image.blobDigests()) {
      assertThat(alice.get(image.blobPath(d)).body()).isEqualTo(image.blob(d));
      assertThat(TestAgents.eventuallyHeld(agent, d)).isTrue();
    }

    // Cached now; still refused to whoever the origin refuses.
    MirrorClient wrongPassword =
        anonymous.withAuthorization(MirrorClient.basic("alice", "not-her-password"));
    MirrorClient bob = anonymous.withAuthorization(MirrorClient.basic("bob", "bob-password"));
    for (String path :
        new String[] {
          image.manifestPath(image.tag()),
          image.manifestPath(image.manifest().digest().toString()),
          image.blobPath(layer)
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
    MirrorClient.Answer challenged = anonymous.get(image.blobPath(image.configDigest()));
    assertThat(challenged.status()).isEqualTo(401);
    AuthChallenge c = AuthChallenge.parse(challenged.header("WWW-Authenticate")).orElseThrow();
    assertThat(c.isBearer()).isTrue();

    String aliceToken = token(c, "alice", REPO);
    MirrorClient withToken = anonymous.withAuthorization("Bearer " + aliceToken);
    for (Digest d : image.blobDigests()) {
      MirrorClient.Answer a = withToken.get(image.blobPath(d));
      assertThat(a.status()).as(d.toString()).isEqualTo(200);
      assertThat(a.body()).isEqualTo(image.blob(d));
    }
    assertThat(withToken.manifest(image.manifestPath(image.tag())).body())
        .isEqualTo(image.manifest().raw());

    // Bob's token for the same repository grants nothing there.
    String bobToken = token(c, "bob", REPO);
    MirrorClient.Answer refused =
        anonymous.withAuthorization("Bearer " + bobToken).get(image.blobPath(image.configDigest()));
    assertThat(refused.status()).isIn(401, 403, 404);
    assertThat(refused.body()).isNotEqualTo(image.blob(image.configDigest()));
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
                .header("Authorization", MirrorClient.basic(user, user + "-password"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body()).path("token").asText();
  }
}
