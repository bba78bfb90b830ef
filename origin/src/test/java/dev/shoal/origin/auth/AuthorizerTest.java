package dev.shoal.origin.auth;

import static dev.shoal.origin.auth.AuthFixture.PASSWORD;
import static dev.shoal.origin.auth.AuthFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.origin.auth.Decision.Outcome;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizerTest {
  private static final Set<Action> PULL = Set.of(Action.PULL);
  private static final Set<Action> PUSH = Set.of(Action.PULL, Action.PUSH);

  @TempDir Path dir;
  private AuthFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new AuthFixture(dir);
  }

  private Decision decide(String authorization, String repo, Set<Action> actions) {
    return f.authorizer.authorize(authorization, repo, actions);
  }

  @Test
  void noCredentials_challengesInTheDockerSpecFormat() {
    Decision d = decide(null, "alice/app", PUSH);
    assertThat(d.outcome()).isEqualTo(Outcome.CHALLENGE);
    assertThat(d.detail())
        .isEqualTo(
            "Bearer realm=\"https://origin.test/token\",service=\"shoal\","
                + "scope=\"repository:alice/app:pull,push\"");
    FullHttpResponse r = d.error().response();
    try {
      assertThat(r.status().code()).isEqualTo(401);
      assertThat(r.headers().get("WWW-Authenticate")).isEqualTo(d.detail());
      assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("\"UNAUTHORIZED\"");
    } finally {
      r.release();
    }
  }

  @Test
  void bearer_withTheScope_isAllowed_withoutIt_insufficientScope() {
    String token = f.bearer("alice", "repository:alice/app:pull");
    assertThat(decide(token, "alice/app", PULL).allowed()).isTrue();
    assertThat(decide(token, "alice/app", PULL).subject()).contains(f.account("alice"));

    Decision push = decide(token, "alice/app", PUSH);
    assertThat(push.outcome()).isEqualTo(Outcome.CHALLENGE);
    assertThat(push.detail())
        .isEqualTo(
            "Bearer realm=\"https://origin.test/token\",service=\"shoal\","
                + "scope=\"repository:alice/app:pull,push\",error=\"insufficient_scope\"");
    // A token for one repository does not open another of the same account.
    assertThat(decide(token, "alice/other", PULL).outcome()).isEqualTo(Outcome.CHALLENGE);
  }

  @Test
  void badTokens_areChallengedAsInvalid() {
    String token = f.bearer("alice", "repository:alice/app:pull");
    f.clock.advance(Duration.ofMinutes(6));
    assertThat(decide(token, "alice/app", PULL).detail()).endsWith("error=\"invalid_token\"");
    assertThat(decide("Bearer garbage", "alice/app", PULL).detail())
        .endsWith("error=\"invalid_token\"");
    assertThat(decide("Digest x", "alice/app", PULL).outcome()).isEqualTo(Outcome.CHALLENGE);
  }

  @Test
  void tenants_cannotTellAnotherTenantsRepositoryFromAMissingOne() throws Exception {
    // bob/app "exists" in the sense that bob pushed to it; the authorizer never asks.
    assertThat(decide(f.bearer("bob", "repository:bob/app:pull,push"), "bob/app", PUSH).allowed())
        .isTrue();

    for (String auth :
        List.of(
            f.bearer("alice", "repository:bob/app:pull,push"),
            basic("alice", PASSWORD),
            f.bearer("alice", "repository:alice/app:pull"))) {
      Decision existing = decide(auth, "bob/app", PULL);
      Decision missing = decide(auth, "bob/never-pushed", PULL);
      assertThat(existing.outcome()).isEqualTo(Outcome.NOT_FOUND);
      assertThat(decide(auth, "bob/app", PUSH).outcome()).isEqualTo(Outcome.NOT_FOUND);
      FullHttpResponse a = existing.error().response();
      FullHttpResponse b = missing.error().response();
      try {
        assertThat(a.status().code()).isEqualTo(404);
        assertThat(a.content().toString(StandardCharsets.UTF_8))
            .isEqualTo(b.content().toString(StandardCharsets.UTF_8).replace("never-pushed", "app"))
            .contains("NAME_UNKNOWN");
        assertThat(a.headers().contains("WWW-Authenticate")).isFalse();
      } finally {
        a.release();
        b.release();
      }
    }
  }

  @Test
  void admin_mayDoAnythingAnywhere() {
    String token = f.bearer("admin", "repository:bob/app:pull,push,delete");
    assertThat(decide(token, "bob/app", Set.of(Action.values())).allowed()).isTrue();
    assertThat(decide(basic("admin", PASSWORD), "alice/x", Set.of(Action.DELETE)).allowed())
        .isTrue();
  }

  @Test
  void anonymous_mayPullPublicRepositoriesOnly() throws Exception {
    f.publicRepos.add("bob/public");
    assertThat(decide(null, "bob/public", PULL).allowed()).isTrue();
    assertThat(decide(f.bearer(null, "repository:bob/public:pull"), "bob/public", PULL).allowed())
        .isTrue();
    assertThat(decide(null, "bob/public", PUSH).outcome()).isEqualTo(Outcome.CHALLENGE);
    assertThat(decide(null, "bob/app", PULL).outcome()).isEqualTo(Outcome.CHALLENGE);
    assertThat(decide(f.bearer(null, "repository:bob/app:pull"), "bob/app", PULL).detail())
        .endsWith("error=\"insufficient_scope\"");
    // Another tenant may pull the public repository but not push to it.
    assertThat(decide(basic("alice", PASSWORD), "bob/public", PULL).allowed()).isTrue();
    assertThat(decide(basic("alice", PASSWORD), "bob/public", PUSH).outcome())
        .isEqualTo(Outcome.CHALLENGE);

    // Made private again: even a token issued while it was public no longer opens it.
    String earlier = f.bearer(null, "repository:bob/public:pull");
    f.publicRepos.remove("bob/public");
    assertThat(decide(null, "bob/public", PULL).allowed()).isFalse();
    assertThat(decide(earlier, "bob/public", PULL).allowed()).isFalse();
  }

  @Test
  void basic_acceptsPasswordOrLoginToken_refusesWrongOnes() {
    String login = f.tokens.issueLogin(f.account("alice")).token();
    assertThat(decide(basic("alice", PASSWORD), "alice/app", PUSH).allowed()).isTrue();
    assertThat(decide(basic("alice", login), "alice/app", PUSH).allowed()).isTrue();
    assertThat(decide(basic("bob", login), "alice/app", PUSH).outcome())
        .isEqualTo(Outcome.CHALLENGE);
    assertThat(decide(basic("alice", "wrong password"), "alice/app", PULL).outcome())
        .isEqualTo(Outcome.CHALLENGE);

    f.clock.advance(Duration.ofHours(13));
    assertThat(decide(basic("alice", login), "alice/app", PULL).outcome())
        .isEqualTo(Outcome.CHALLENGE);
  }

  @Test
  void mount_needsPullOnTheSourceAndPushOnTheTarget() {
    String token = f.bearer("alice", "repository:alice/app:pull,push");
    List<Scope> mount =
        List.of(Scope.repository("bob/base", PULL), Scope.repository("alice/app", PUSH));
    assertThat(f.authorizer.authorize(token, mount).outcome()).isEqualTo(Outcome.NOT_FOUND);
    assertThat(
            f.authorizer
                .authorize(
                    token,
                    List.of(
                        Scope.repository("alice/base", PULL), Scope.repository("alice/app", PUSH)))
                .detail())
        .isEqualTo(
            "Bearer realm=\"https://origin.test/token\",service=\"shoal\","
                + "scope=\"repository:alice/base:pull repository:alice/app:pull,push\","
                + "error=\"insufficient_scope\"");
  }

  @Test
  void removedAccount_tokensStopWorking() throws Exception {
    String token = f.bearer("bob", "repository:bob/app:pull");
    f.accounts.remove("bob");
    assertThat(decide(token, "bob/app", PULL).detail()).endsWith("error=\"invalid_token\"");
  }
}
