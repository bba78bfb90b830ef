package dev.shoal.core.registry;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Decides the {@code Authorization} header of requests to one registry, from the last challenge it
 * answered with: Basic with the host's credentials, or a Bearer token for the request's scopes.
 */
final class Authenticator {
  private final String registryHost;
  private final Credentials credentials;
  private final BearerTokens tokens;
  // Set for a client relaying someone else's credentials: sent as is, no challenge answered.
  private final String fixedHeader;
  private volatile AuthChallenge challenge;

  Authenticator(String registryHost, Credentials credentials, BearerTokens tokens) {
    this(registryHost, credentials, tokens, null);
  }

  private Authenticator(
      String registryHost, Credentials credentials, BearerTokens tokens, String fixedHeader) {
    this.registryHost = registryHost;
    this.credentials = credentials;
    this.tokens = tokens;
    this.fixedHeader = fixedHeader;
  }

  /** An authenticator that sends {@code header} on every request and never answers a challenge. */
  Authenticator fixed(String header) {
    return new Authenticator(registryHost, Credentials.none(), tokens, header);
  }

  /**
   * The header for a request needing {@code scopes}, before the registry asked: once a Bearer
   * challenge is known, a token is fetched up front so that a request with a one-shot body is not
   * spent on a 401.
   */
  Optional<String> authorization(List<String> scopes) throws IOException, InterruptedException {
    if (fixedHeader != null) {
      return Optional.of(fixedHeader);
    }
    AuthChallenge c = challenge;
    if (c == null) {
      return Optional.empty();
    }
    if (c.isBasic()) {
      return credentials.lookup(registryHost).map(UsernamePassword::basicHeader);
    }
    if (c.isBearer()) {
      List<String> s = effectiveScopes(c, scopes);
      Optional<String> token = tokens.cached(c, s);
      if (token.isEmpty()) {
        token = Optional.of(tokens.fetch(c, s, credentials.lookup(registryHost)));
      }
      return token.map(t -> "Bearer " + t);
    }
    return Optional.empty();
  }

  /**
   * Learns from a 401 challenge; true when a retry may now succeed (there are credentials for
   * Basic, or a fresh token was fetched for Bearer).
   */
  boolean answer(AuthChallenge c, List<String> scopes) throws IOException, InterruptedException {
    if (fixedHeader != null) {
      return false;
    }
    challenge = c;
    if (c.isBasic()) {
      return credentials.lookup(registryHost).isPresent();
    }
    if (c.isBearer()) {
      tokens.fetch(c, effectiveScopes(c, scopes), credentials.lookup(registryHost));
      return true;
    }
    return false;
  }

  /** The request's scopes; a request that names none (ping) takes the challenge's own. */
  private static List<String> effectiveScopes(AuthChallenge c, List<String> scopes) {
    if (!scopes.isEmpty()) {
      return scopes;
    }
    return c.param("scope").map(List::of).orElse(List.of());
  }
}
