package dev.shoal.origin.auth;

import static dev.shoal.origin.auth.AuthFixture.PASSWORD;
import static dev.shoal.origin.auth.AuthFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.http.HttpServer;
import dev.shoal.core.http.Responses;
import dev.shoal.core.http.Router;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token endpoint over real HTTP on loopback, as a Docker client calls it. */
class TokenEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  private AuthFixture f;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    f = new AuthFixture(dir);
    Router router =
        Router.builder()
            .prefix(TokenEndpoint.PATH, new TokenEndpoint(f.tokens))
            .fallback((request, path) -> Responses.text(HttpResponseStatus.NOT_FOUND, "nope\n"))
            .build();
    server = HttpServer.start(new HostPort("127.0.0.1", 0), router);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String pathAndQuery, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri().resolve(pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void token_withPassword_answersTheSpecJson_withTheGrantedAccess() throws Exception {
    HttpResponse<String> r =
        get(
            "/token?service=shoal&scope=repository:alice/app:pull,push"
                + "&scope=repository:bob/app:pull",
            basic("alice", PASSWORD));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("token").asText()).isEqualTo(body.get("access_token").asText());
    assertThat(body.get("expires_in").asLong()).isEqualTo(300);
    assertThat(body.get("issued_at").asText()).isEqualTo("2030-01-01T00:00:00Z");

    SignedJWT jwt = SignedJWT.parse(body.get("token").asText());
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(jwt.getJWTClaimsSet().getListClaim("access"))
        .containsExactly(
            Map.of("type", "repository", "name", "alice/app", "actions", List.of("pull", "push")),
            Map.of("type", "repository", "name", "bob/app", "actions", List.of()));
    assertThat(
            f.authorizer
                .authorize("Bearer " + body.get("token").asText(), "alice/app", Set.of(Action.PUSH))
                .allowed())
        .isTrue();
  }

  @Test
  void token_anonymous_getsPullOnPublicRepositoriesOnly() throws Exception {
    f.publicRepos.add("bob/public");
    HttpResponse<String> r =
        get(
            "/token?service=shoal&scope=repository:bob/public:pull,push"
                + "&scope=repository:bob/app:pull",
            null);

    assertThat(r.statusCode()).isEqualTo(200);
    SignedJWT jwt = SignedJWT.parse(JSON.readTree(r.body()).get("token").asText());
    assertThat(jwt.getJWTClaimsSet().getSubject()).isNull();
    assertThat(jwt.getJWTClaimsSet().getListClaim("access"))
        .containsExactly(
            Map.of("type", "repository", "name", "bob/public", "actions", List.of("pull")),
            Map.of("type", "repository", "name", "bob/app", "actions", List.of()));
  }

  @Test
  void token_withLoginTokenAsPassword() throws Exception {
    String login = f.tokens.issueLogin(f.account("alice")).token();
    assertThat(get("/token?scope=repository:alice/app:pull", basic("alice", login)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void token_badCredentials_is401WithTheOciError() throws Exception {
    for (String auth :
        List.of(
            basic("alice", "wrong password"), basic("nobody", PASSWORD), "Basic !!!", "Bearer x")) {
      HttpResponse<String> r = get("/token?service=shoal&scope=repository:alice/app:pull", auth);
      assertThat(r.statusCode()).as(auth).isEqualTo(401);
      JsonNode error = JSON.readTree(r.body()).get("errors").get(0);
      assertThat(error.get("code").asText()).isEqualTo("UNAUTHORIZED");
      assertThat(r.body()).doesNotContain("token\"");
      assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"shoal\"");
    }
  }

  @Test
  void token_badRequests() throws Exception {
    assertThat(get("/token?service=other", null).statusCode()).isEqualTo(400);
    assertThat(get("/token?scope=nonsense", null).statusCode()).isEqualTo(400);
    assertThat(get("/tokens", null).statusCode()).isEqualTo(404);
  }
}
