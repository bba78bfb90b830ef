package dev.shoal.origin.auth;

import dev.shoal.core.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The token service with real files in a temp dir, accounts alice, bob and admin. */
final class AuthFixture {
  static final String PASSWORD = "correct horse battery";
  static final String REALM = "https://origin.test/token";

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final Path authDir;
  final SigningKeys keys;
  final Accounts accounts;
  final PublicRepositories publicRepos;
  final TokenService tokens;
  final Authorizer authorizer;

  AuthFixture(Path dataDir) throws IOException {
    this.authDir = dataDir.resolve("auth");
    TokenConfig config = TokenConfig.defaults();
    this.keys = SigningKeys.open(authDir.resolve("keys"), config.keyRetention(), clock);
    this.accounts = Accounts.open(authDir);
    this.publicRepos = PublicRepositories.open(authDir);
    this.tokens = new TokenService(keys, accounts, publicRepos, config, clock);
    this.authorizer = new Authorizer(tokens, accounts, REALM);
    accounts.add("admin", PASSWORD, Role.ADMIN);
    accounts.add("alice", PASSWORD, Role.USER);
    accounts.add("bob", PASSWORD, Role.USER);
  }

  Account account(String name) {
    return accounts.find(name).orElseThrow();
  }

  String bearer(String name, String scope) {
    Optional<Account> who = name == null ? Optional.empty() : Optional.of(account(name));
    return "Bearer " + tokens.issue(who, List.of(Scope.parse(scope))).token();
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
