package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shoal.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a registry request may go ahead (Docker "Token Authentication Specification": the
 * challenge, and {@code error="insufficient_scope"} from RFC 6750 section 3.1). Bearer tokens are
 * checked offline; Basic credentials (a password or a login token) are accepted directly.
 *
 * <p>Tenant isolation: the decision never depends on whether a repository exists. An authenticated
 * caller with no right at all in a repository gets {@link Decision.Outcome#NOT_FOUND}, which the
 * API answers exactly as for a missing repository. Anonymous callers get a challenge instead (so
 * clients know to log in); that answer is the same for a missing and a private repository too.
 */
public final class Authorizer {
  private final TokenService tokens;
  private final Accounts accounts;
  private final String realm;

  /**
   * Basic credentials verified in the last minute, by the SHA-256 of the header value: a password
   * check costs a deliberate quarter second of CPU, which a client sending Basic on every request
   * (many do) must not pay each time. A changed password takes effect within the minute.
   */
  private final Cache<String, String> verifiedBasic =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

  /** {@code realm} is the token endpoint's URL, like {@code https://origin.example:5000/token}. */
  public Authorizer(TokenService tokens, Accounts accounts, String realm) {
    this.tokens = requireNonNull(tokens, "tokens");
    this.accounts = requireNonNull(accounts, "accounts");
    this.realm = requireNonNull(realm, "realm");
    if (realm.contains("\"")) {
      throw new IllegalArgumentException("realm: " + realm + " (expected: a URL)");
    }
  }

  /**
   * Decides {@code GET /v2/}, which needs no scope but valid credentials when any are sent; callers
   * without credentials get the challenge that tells them where to get a token.
   */
  public Decision authenticate(String authorization) {
    String challenge =
        "Bearer realm=\"" + realm + "\",service=\"" + tokens.config().service() + "\"";
    if (authorization == null || authorization.isBlank()) {
      return Decision.challenge(challenge);
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? authorization : authorization.substring(0, space);
    String credentials = space < 0 ? "" : authorization.substring(space + 1).trim();
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer" -> {
        try {
          TokenService.Verified token = tokens.verifyAccess(credentials);
          Optional<Account> who =
              token.subject().isPresent() ? accounts.find(token.subject().get()) : Optional.empty();
          return token.subject().isPresent() && who.isEmpty()
              ? Decision.challenge(challenge + ",error=\"invalid_token\"")
              : Decision.allowed(who);
        } catch (InvalidTokenException e) {
          return Decision.challenge(challenge + ",error=\"invalid_token\"");
        }
      }
      case "basic" -> {
        Optional<Account> who = basic(credentials);
        return who.isPresent() ? Decision.allowed(who) : Decision.challenge(challenge);
      }
      default -> {
        return Decision.challenge(challenge);
      }
    }
  }

  /**
   * Decides {@code GET /v2/_catalog}: allowed for an account (Basic credentials, or a token of an
   * account granting {@code registry:catalog:*}), which then lists what it may see; everyone else
   * gets the challenge for that scope. Anonymous callers never list: knowing names is not pulling.
   */
  public Decision authorizeCatalog(String authorization) {
    String challenge = challenge(List.of(Scope.catalog()), "");
    if (authorization == null || authorization.isBlank()) {
      return Decision.challenge(challenge);
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? authorization : authorization.substring(0, space);
    String credentials = space < 0 ? "" : authorization.substring(space + 1).trim();
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer" -> {
        TokenService.Verified token;
        try {
          token = tokens.verifyAccess(credentials);
        } catch (InvalidTokenException e) {
          return Decision.challenge(challenge(List.of(Scope.catalog()), "invalid_token"));
        }
        Optional<Account> who = token.subject().flatMap(accounts::find);
        if (token.subject().isPresent() && who.isEmpty()) {
          return Decision.challenge(challenge(List.of(Scope.catalog()), "invalid_token"));
        }
        return who.isPresent() && token.catalog()
            ? Decision.allowed(who)
            : Decision.challenge(challenge(List.of(Scope.catalog()), "insufficient_scope"));
      }
      case "basic" -> {
        Optional<Account> who = basic(credentials);
        return who.isPresent() ? Decision.allowed(who) : Decision.challenge(challenge);
      }
      default -> {
        return Decision.challenge(challenge);
      }
    }
  }

  /** Decides a request needing {@code actions} on {@code repository}. */
  public Decision authorize(String authorization, String repository, Set<Action> actions) {
    return authorize(authorization, List.of(Scope.repository(repository, actions)));
  }

  /**
   * Decides a request needing every scope in {@code needed} (a cross-repository mount needs two).
   * {@code authorization} is the request's {@code Authorization} header, or null.
   */
  public Decision authorize(String authorization, List<Scope> needed) {
    requireNonNull(needed, "needed");
    if (authorization == null || authorization.isBlank()) {
      return decide(Optional.empty(), null, needed, "");
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? authorization : authorization.substring(0, space);
    String credentials = space < 0 ? "" : authorization.substring(space + 1).trim();
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer" -> {
        TokenService.Verified token;
        try {
          token = tokens.verifyAccess(credentials);
        } catch (InvalidTokenException e) {
          return Decision.challenge(challenge(needed, "invalid_token"));
        }
        Optional<Account> who = Optional.empty();
        if (token.subject().isPresent()) {
          who = accounts.find(token.subject().get());
          if (who.isEmpty()) {
            // The account was removed after the token was issued: its tokens die with it.
            return Decision.challenge(challenge(needed, "invalid_token"));
          }
        }
        return decide(who, token, needed, "insufficient_scope");
      }
      case "basic" -> {
        Optional<Account> who = basic(credentials);
        if (who.isEmpty()) {
          return Decision.challenge(challenge(needed, ""));
        }
        return decide(who, null, needed, "insufficient_scope");
      }
      default -> {
        return Decision.challenge(challenge(needed, ""));
      }
    }
  }

  private Decision decide(
      Optional<Account> who, TokenService.Verified token, List<Scope> needed, String error) {
    boolean allGranted = true;
    for (Scope s : needed) {
      Set<Action> policy = tokens.allowed(who, s.name());
      if (who.isPresent() && policy.isEmpty()) {
        return Decision.notFound(who, s.name());
      }
      // With a token, only what it grants counts; without one, what the account may do.
      Set<Action> granted = token == null ? policy : token.granted(s.name());
      if (!granted.containsAll(s.actions()) || !policy.containsAll(s.actions())) {
        allGranted = false;
      }
    }
    return allGranted ? Decision.allowed(who) : Decision.challenge(challenge(needed, error));
  }

  private Optional<Account> basic(String credentials) {
    if (carriesLoginToken(credentials)) {
      // A login token costs one HMAC to check, and its expiry must be honoured to the second.
      return verifyBasic(credentials);
    }
    String key = Digest.sha256Of(credentials.getBytes(StandardCharsets.UTF_8)).toString();
    String name = verifiedBasic.getIfPresent(key);
    if (name != null) {
      // Still an account? A removed one loses access at once.
      return accounts.find(name);
    }
    Optional<Account> who = verifyBasic(credentials);
    who.ifPresent(a -> verifiedBasic.put(key, a.name()));
    return who;
  }

  /** Whether the Basic password is a JWT (three base64url parts), i.e. a login token. */
  private static boolean carriesLoginToken(String credentials) {
    try {
      String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
      String secret = decoded.substring(decoded.indexOf(':') + 1);
      return secret.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Optional<Account> verifyBasic(String credentials) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return tokens.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  /**
   * {@code Bearer realm="…",service="…",scope="…"[,error="…"]}, as the Docker token spec words it.
   */
  String challenge(List<Scope> needed, String error) {
    String scope = needed.stream().map(Scope::toString).collect(Collectors.joining(" "));
    return "Bearer realm=\""
        + realm
        + "\",service=\""
        + tokens.config().service()
        + "\",scope=\""
        + scope
        + "\""
        + (error.isEmpty() ? "" : ",error=\"" + error + "\"");
  }
}
