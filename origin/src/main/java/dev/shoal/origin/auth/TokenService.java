package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The origin's security token service (DESIGN.md, S1; Docker registry "Token Authentication
 * Specification" and "Token Authentication Implementation"): short-lived HS256 access tokens with
 * an {@code access} claim, granting only what the account may do, and long-lived login tokens that
 * stand in for a password.
 */
public final class TokenService {
  static final JOSEObjectType ACCESS_TYPE = JOSEObjectType.JWT;
  static final JOSEObjectType LOGIN_TYPE = new JOSEObjectType("login");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String STAMP_CLAIM = "shoal_pwd";

  /**
   * A verified access token: who it was issued to (empty: anonymous), what it grants on
   * repositories, and whether it grants {@code registry:catalog:*}.
   */
  record Verified(Optional<String> subject, List<Scope> access, boolean catalog) {
    Set<Action> granted(String repository) {
      Set<Action> actions = EnumSet.noneOf(Action.class);
      for (Scope s : access) {
        if (s.type().equals(Scope.REPOSITORY) && s.name().equals(repository)) {
          actions.addAll(s.actions());
        }
      }
      return actions;
    }
  }

  private final SigningKeys keys;
  private final Accounts accounts;
  private final PublicRepositories publicRepositories;
  private final TokenConfig config;
  private final Clock clock;

  public TokenService(
      SigningKeys keys,
      Accounts accounts,
      PublicRepositories publicRepositories,
      TokenConfig config,
      Clock clock) {
    this.keys = requireNonNull(keys, "keys");
    this.accounts = requireNonNull(accounts, "accounts");
    this.publicRepositories = requireNonNull(publicRepositories, "publicRepositories");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
  }

  public TokenConfig config() {
    return config;
  }

  /**
   * The actions {@code who} (empty: anonymous) may take on {@code repository}: all for an admin and
   * in the account's own namespace, pull on a public repository, otherwise none.
   */
  public Set<Action> allowed(Optional<Account> who, String repository) {
    if (who.isPresent() && (who.get().role() == Role.ADMIN || who.get().owns(repository))) {
      return EnumSet.allOf(Action.class);
    }
    return publicRepositories.contains(repository) ? EnumSet.of(Action.PULL) : Set.of();
  }

  /**
   * The account whose name and password (or login token in place of the password) these are; empty
   * if they are wrong. Hashes the password on purpose slowly: call off the event loop.
   */
  public Optional<Account> authenticate(String username, String secret) {
    requireNonNull(username, "username");
    requireNonNull(secret, "secret");
    if (secret.startsWith("ey") && secret.chars().filter(c -> c == '.').count() == 2) {
      try {
        SignedJWT jwt = verify(secret, LOGIN_TYPE);
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        String sub = claims.getSubject();
        Optional<String> stamp = accounts.credentialStamp(username);
        // Issued for this account, and before no later password change.
        return username.equals(sub)
                && stamp.isPresent()
                && stamp.get().equals(claims.getStringClaim(STAMP_CLAIM))
            ? accounts.find(sub)
            : Optional.empty();
      } catch (InvalidTokenException | ParseException e) {
        // A token-shaped secret that is no valid login token is no password either: refuse it
        // without paying for a password hash.
        return Optional.empty();
      }
    }
    return accounts.verify(username, secret);
  }

  /**
   * An access token for {@code who} (empty: anonymous) with the requested scopes cut down. Any
   * account gets {@code registry:catalog:*} when it asks: the catalog lists only what the account
   * may see.
   */
  public IssuedToken issue(Optional<Account> who, List<Scope> requested) {
    List<Scope> granted = new ArrayList<>();
    for (Scope s : requested) {
      if (s.isCatalog()) {
        if (who.isPresent() && !granted.contains(s)) {
          granted.add(Scope.catalog());
        }
        continue;
      }
      if (!s.type().equals(Scope.REPOSITORY)) {
        continue;
      }
      Set<Action> actions = EnumSet.noneOf(Action.class);
      actions.addAll(s.actions());
      actions.retainAll(allowed(who, s.name()));
      // The spec lists a denied scope with no actions rather than leaving it out.
      granted.add(Scope.repository(s.name(), actions));
    }
    List<Map<String, Object>> access = new ArrayList<>();
    for (Scope s : granted) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("type", s.type());
      entry.put("name", s.name());
      entry.put(
          "actions",
          s.isCatalog()
              ? List.of("*")
              : s.actions().stream().sorted().map(Action::wireName).toList());
      access.add(entry);
    }
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        claims(who.map(Account::name), now, config.accessTokenTtl()).claim("access", access);
    return new IssuedToken(
        sign(ACCESS_TYPE, claims.build()), now, config.accessTokenTtl(), granted);
  }

  /**
   * A login token: for {@link #config()}'s login lifetime (or until the password changes or the
   * account is removed), {@code account}'s password.
   */
  public IssuedToken issueLogin(Account account) {
    String stamp =
        accounts
            .credentialStamp(account.name())
            .orElseThrow(
                () ->
                    new IllegalArgumentException("account " + account.name() + " does not exist"));
    Instant now = clock.instant();
    JWTClaimsSet claims =
        claims(Optional.of(account.name()), now, config.loginTokenTtl())
            .claim(STAMP_CLAIM, stamp)
            .build();
    return new IssuedToken(sign(LOGIN_TYPE, claims), now, config.loginTokenTtl(), List.of());
  }

  /** Checks an access token offline: signature, type, issuer, audience, times, access claim. */
  Verified verifyAccess(String token) throws InvalidTokenException {
    SignedJWT jwt = verify(token, ACCESS_TYPE);
    try {
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      List<Scope> access = new ArrayList<>();
      boolean catalog = false;
      List<Object> entries = claims.getListClaim("access");
      if (entries == null) {
        throw new InvalidTokenException("no access claim");
      }
      for (Object o : entries) {
        if (!(o instanceof Map<?, ?> m)
            || !(m.get("type") instanceof String type)
            || !(m.get("name") instanceof String name)
            || !(m.get("actions") instanceof List<?> actions)) {
          throw new InvalidTokenException("malformed access claim");
        }
        Set<Action> set = EnumSet.noneOf(Action.class);
        for (Object a : actions) {
          if (a instanceof String s) {
            Action.parse(s).ifPresent(set::add);
          }
        }
        Scope scope = new Scope(type, name, set);
        if (scope.isCatalog()) {
          catalog |= actions.contains("*");
        } else {
          access.add(scope);
        }
      }
      return new Verified(Optional.ofNullable(claims.getSubject()), access, catalog);
    } catch (ParseException | IllegalArgumentException e) {
      throw new InvalidTokenException("malformed claims: " + e.getMessage());
    }
  }

  private JWTClaimsSet.Builder claims(Optional<String> subject, Instant now, Duration ttl) {
    byte[] jti = new byte[16];
    RANDOM.nextBytes(jti);
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(config.issuer())
            .audience(config.service())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti));
    subject.ifPresent(b::subject);
    return b;
  }

  private String sign(JOSEObjectType type, JWTClaimsSet claims) {
    SigningKeys.Key key = keys.current();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.kid()).type(type).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new MACSigner(key.secret()));
    } catch (JOSEException e) {
      // Only for a key shorter than 256 bits, which SigningKeys never makes.
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private SignedJWT verify(String token, JOSEObjectType type) throws InvalidTokenException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a signed JWT: " + e.getMessage());
    }
    JWSHeader header = jwt.getHeader();
    // Pin the algorithm: never let the token choose (alg=none, or an algorithm of another family).
    if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
      throw new InvalidTokenException("alg: " + header.getAlgorithm() + " (expected: HS256)");
    }
    if (!type.equals(header.getType())) {
      throw new InvalidTokenException("typ: " + header.getType() + " (expected: " + type + ")");
    }
    SigningKeys.Key key =
        keys.find(String.valueOf(header.getKeyID()))
            .orElseThrow(() -> new InvalidTokenException("unknown kid: " + header.getKeyID()));
    try {
      if (!jwt.verify(new MACVerifier(key.secret()))) {
        throw new InvalidTokenException("bad signature");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("cannot verify: " + e.getMessage());
    }
    try {
      checkClaims(jwt.getJWTClaimsSet());
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed claims: " + e.getMessage());
    }
    return jwt;
  }

  private void checkClaims(JWTClaimsSet c) throws InvalidTokenException {
    Instant now = clock.instant();
    Duration skew = TokenConfig.CLOCK_SKEW;
    if (!config.issuer().equals(c.getIssuer())) {
      throw new InvalidTokenException("iss: " + c.getIssuer());
    }
    if (c.getAudience() == null || !c.getAudience().contains(config.service())) {
      throw new InvalidTokenException("aud: " + c.getAudience());
    }
    if (c.getExpirationTime() == null || c.getIssueTime() == null || c.getJWTID() == null) {
      throw new InvalidTokenException("exp, iat and jti are required");
    }
    if (!now.isBefore(c.getExpirationTime().toInstant().plus(skew))) {
      throw new InvalidTokenException("expired at " + c.getExpirationTime().toInstant());
    }
    Date nbf = c.getNotBeforeTime() != null ? c.getNotBeforeTime() : c.getIssueTime();
    if (now.isBefore(nbf.toInstant().minus(skew))) {
      throw new InvalidTokenException("not valid before " + nbf.toInstant());
    }
  }
}
