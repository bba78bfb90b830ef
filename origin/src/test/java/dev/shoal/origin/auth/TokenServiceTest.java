package dev.shoal.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {
  @TempDir Path dir;
  private AuthFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new AuthFixture(dir);
  }

  private String issue(String who, String... scopes) {
    Optional<Account> account = who == null ? Optional.empty() : Optional.of(f.account(who));
    return f.tokens.issue(account, List.of(scopes).stream().map(Scope::parse).toList()).token();
  }

  private boolean accepted(String token) {
    try {
      f.tokens.verifyAccess(token);
      return true;
    } catch (InvalidTokenException e) {
      return false;
    }
  }

  private JWTClaimsSet.Builder claims(String audience) {
    Date now = Date.from(f.clock.instant());
    return new JWTClaimsSet.Builder()
        .issuer("shoal-origin")
        .subject("alice")
        .audience(audience)
        .issueTime(now)
        .notBeforeTime(now)
        .expirationTime(Date.from(f.clock.instant().plusSeconds(300)))
        .jwtID("j1")
        .claim(
            "access",
            List.of(Map.of("type", "repository", "name", "bob/app", "actions", List.of("pull"))));
  }

  private static String sign(JWTClaimsSet claims, String kid, byte[] secret) throws Exception {
    JWSHeader h =
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(h, claims);
    jwt.sign(new MACSigner(new SecretKeySpec(secret, "HmacSHA256")));
    return jwt.serialize();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void issue_grantsOnlyWhatTheAccountMayDo() throws Exception {
    f.publicRepos.add("bob/public");
    IssuedToken t =
        f.tokens.issue(
            Optional.of(f.account("alice")),
            List.of(
                Scope.parse("repository:alice/app:pull,push,delete"),
                Scope.parse("repository:bob/app:pull,push"),
                Scope.parse("repository:bob/public:pull,push")));

    assertThat(t.granted())
        .containsExactly(
            Scope.repository("alice/app", Set.of(Action.PULL, Action.PUSH, Action.DELETE)),
            Scope.repository("bob/app", Set.of()),
            Scope.repository("bob/public", Set.of(Action.PULL)));
    assertThat(t.expiresIn()).isEqualTo(Duration.ofMinutes(5));

    JWTClaimsSet c = SignedJWT.parse(t.token()).getJWTClaimsSet();
    assertThat(c.getIssuer()).isEqualTo("shoal-origin");
    assertThat(c.getSubject()).isEqualTo("alice");
    assertThat(c.getAudience()).containsExactly("shoal");
    assertThat(c.getExpirationTime().toInstant()).isEqualTo(f.clock.instant().plusSeconds(300));
    assertThat(c.getNotBeforeTime()).isNotNull();
    assertThat(c.getIssueTime()).isNotNull();
    assertThat(c.getJWTID()).isNotBlank();
    assertThat(c.getListClaim("access"))
        .contains(
            Map.of(
                "type", "repository",
                "name", "alice/app",
                "actions", List.of("pull", "push", "delete")));
    assertThat(SignedJWT.parse(t.token()).getHeader().getKeyID()).isEqualTo(f.keys.currentKid());
  }

  @Test
  void catalogScope_isGrantedToAccountsOnly_withTheStarAction() throws Exception {
    IssuedToken t =
        f.tokens.issue(Optional.of(f.account("alice")), List.of(Scope.parse("registry:catalog:*")));

    assertThat(t.granted()).containsExactly(Scope.catalog());
    assertThat(SignedJWT.parse(t.token()).getJWTClaimsSet().getListClaim("access"))
        .containsExactly(Map.of("type", "registry", "name", "catalog", "actions", List.of("*")));
    assertThat(f.tokens.verifyAccess(t.token()).catalog()).isTrue();

    IssuedToken anonymous = f.tokens.issue(Optional.empty(), List.of(Scope.catalog()));
    assertThat(anonymous.granted()).isEmpty();
    assertThat(f.tokens.verifyAccess(anonymous.token()).catalog()).isFalse();
    assertThat(f.tokens.verifyAccess(issue("alice", "repository:alice/app:pull")).catalog())
        .isFalse();
  }

  @Test
  void verify_acceptsWithin30sSkew_refusesExpiredAndNotYetValid() {
    String token = issue("alice", "repository:alice/app:pull");
    f.clock.advance(Duration.ofSeconds(300 + 29));
    assertThat(accepted(token)).isTrue();
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(accepted(token)).isFalse();

    String fresh = issue("alice", "repository:alice/app:pull");
    f.clock.advance(Duration.ofSeconds(-29));
    assertThat(accepted(fresh)).isTrue();
    f.clock.advance(Duration.ofSeconds(-2));
    assertThat(accepted(fresh)).isFalse();
  }

  @Test
  void verify_refusesForgedTokens() throws Exception {
    String kid = f.keys.currentKid();
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(accepted(sign(claims("shoal").build(), kid, other))).isFalse();
    // The same claims signed with the real key pass: the refusal above is the signature's.
    byte[] real = f.keys.current().secret().getEncoded();
    assertThat(accepted(sign(claims("shoal").build(), kid, real))).isTrue();

    String payload = b64(claims("shoal").build().toString());
    assertThat(
            accepted(
                b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}")
                    + "."
                    + payload
                    + "."))
        .isFalse();

    String valid = issue("alice", "repository:alice/app:pull");
    String[] parts = valid.split("\\.");
    String tampered =
        parts[0]
            + "."
            + b64(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("alice/app", "bob/app"))
            + "."
            + parts[2];
    assertThat(accepted(valid)).isTrue();
    assertThat(accepted(tampered)).isFalse();

    assertThat(accepted(sign(claims("someone-else").build(), kid, real))).isFalse();
    assertThat(accepted(sign(claims("shoal").issuer("evil").build(), kid, real))).isFalse();
    assertThat(accepted(sign(claims("shoal").build(), "no-such-kid", real))).isFalse();
  }

  @Test
  void verify_refusesALoginTokenAsAccessToken() {
    String login = f.tokens.issueLogin(f.account("alice")).token();
    assertThat(accepted(login)).isFalse();
    assertThat(f.tokens.authenticate("alice", issue("alice", "repository:alice/a:pull"))).isEmpty();
  }

  @Test
  void rotation_keepsOldTokensValidUntilTheyExpire() throws Exception {
    String old = issue("alice", "repository:alice/app:pull");
    String oldLogin = f.tokens.issueLogin(f.account("alice")).token();
    f.keys.rotate();
    String fresh = issue("alice", "repository:alice/app:pull");
    assertThat(SignedJWT.parse(fresh).getHeader().getKeyID())
        .isNotEqualTo(SignedJWT.parse(old).getHeader().getKeyID());
    assertThat(accepted(old)).isTrue();
    assertThat(f.tokens.authenticate("alice", oldLogin)).isPresent();

    f.clock.advance(Duration.ofMinutes(6));
    assertThat(accepted(old)).isFalse();
    assertThat(f.tokens.authenticate("alice", oldLogin)).isPresent();

    String oldKid = SignedJWT.parse(old).getHeader().getKeyID();
    f.clock.advance(Duration.ofHours(12));
    assertThat(f.keys.kids()).contains(oldKid);
    f.keys.rotate();
    assertThat(f.tokens.authenticate("alice", oldLogin)).isEmpty();
    assertThat(f.keys.kids()).doesNotContain(oldKid);
  }

  @Test
  void loginToken_isAPasswordForItsAccountOnly_untilItExpires() throws Exception {
    IssuedToken login = f.tokens.issueLogin(f.account("alice"));
    assertThat(login.expiresIn()).isEqualTo(Duration.ofHours(12));
    assertThat(f.tokens.authenticate("alice", login.token())).contains(f.account("alice"));
    assertThat(f.tokens.authenticate("bob", login.token())).isEmpty();

    f.clock.advance(Duration.ofHours(12).plusSeconds(31));
    assertThat(f.tokens.authenticate("alice", login.token())).isEmpty();
    assertThat(f.tokens.authenticate("alice", AuthFixture.PASSWORD)).isPresent();
  }

  @Test
  void loginToken_diesWithAPasswordChange() throws Exception {
    String login = f.tokens.issueLogin(f.account("alice")).token();
    assertThat(f.tokens.authenticate("alice", login)).isPresent();
    f.accounts.setPassword("alice", "a brand new password");
    assertThat(f.tokens.authenticate("alice", login)).isEmpty();
    assertThat(f.tokens.authenticate("alice", f.tokens.issueLogin(f.account("alice")).token()))
        .isPresent();
  }

  @Test
  void loginToken_diesWithItsAccount() throws Exception {
    String login = f.tokens.issueLogin(f.account("bob")).token();
    f.accounts.remove("bob");
    assertThat(f.tokens.authenticate("bob", login)).isEmpty();
  }

  @Test
  void scope_parsesTheSpecForm_andRejectsGarbage() {
    Scope s = Scope.parse("repository:registry.test:5000/a/b:push,pull,*");
    assertThat(s.name()).isEqualTo("registry.test:5000/a/b");
    assertThat(s.actions()).containsExactlyInAnyOrder(Action.PULL, Action.PUSH);
    assertThat(s.toString()).isEqualTo("repository:registry.test:5000/a/b:pull,push");
    assertThatThrownBy(() -> Scope.parse("repository")).hasMessageContaining("scope: repository");
    assertThatThrownBy(() -> Scope.parse("repository:a\"b:pull"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
