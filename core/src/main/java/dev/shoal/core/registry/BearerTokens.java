package dev.shoal.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens from a registry's token service (Docker "Token Authentication Specification"):
 * {@code GET realm?service=…&scope=…}, with Basic credentials when known, answering {@code token}
 * or {@code access_token} and {@code expires_in}. Tokens are cached per realm, service and scopes
 * until shortly before they expire.
 */
final class BearerTokens {
  /** The spec's lifetime of a token that does not say. */
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  /** A token is not used in its last seconds: a request must not arrive after it expired. */
  static final Duration MARGIN = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Token(String value, Instant refreshAt) {}

  private final HttpClient http;
  private final Clock clock;
  private final Duration timeout;
  private final String userAgent;
  private final Map<String, Token> cache = new ConcurrentHashMap<>();

  BearerTokens(HttpClient http, Clock clock, Duration timeout, String userAgent) {
    this.http = http;
    this.clock = clock;
    this.timeout = timeout;
    this.userAgent = userAgent;
  }

  /** A cached token for the challenge's realm and these scopes that is still fresh. */
  Optional<String> cached(AuthChallenge challenge, List<String> scopes) {
    Token t = cache.get(key(challenge, scopes));
    return t != null && clock.instant().isBefore(t.refreshAt())
        ? Optional.of(t.value())
        : Optional.empty();
  }

  /** Fetches a new token from the challenge's realm and caches it. */
  String fetch(AuthChallenge challenge, List<String> scopes, Optional<UsernamePassword> login)
      throws IOException, InterruptedException {
    String realm =
        challenge
            .param("realm")
            .orElseThrow(
                () -> new RegistryException("Bearer challenge without a realm", 401, List.of()));
    StringBuilder query = new StringBuilder();
    challenge.param("service").ifPresent(s -> append(query, "service", s));
    scopes.forEach(s -> append(query, "scope", s));
    URI uri;
    try {
      uri =
          URI.create(
              realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?")) + query);
    } catch (IllegalArgumentException e) {
      throw new RegistryException("token realm " + quote(realm) + " is not a URL", e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent).GET();
    login.ifPresent(up -> request.header("Authorization", up.basicHeader()));
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw ErrorBodies.toException("GET token " + realm, response);
    }
    JsonNode body;
    try (InputStream in = response.body()) {
      body = JSON.readTree(in.readNBytes(ErrorBodies.MAX_ERROR_BODY));
    }
    String token = body == null ? "" : body.path("token").asText("");
    if (token.isEmpty() && body != null) {
      token = body.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw new RegistryException(
          "GET token " + realm + ": answer has neither token nor access_token", 200, List.of());
    }
    long expiresIn = body.path("expires_in").asLong(0);
    Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : DEFAULT_LIFETIME;
    Duration margin = lifetime.dividedBy(2).compareTo(MARGIN) < 0 ? lifetime.dividedBy(2) : MARGIN;
    cache.put(
        key(challenge, scopes), new Token(token, clock.instant().plus(lifetime).minus(margin)));
    return token;
  }

  private static String key(AuthChallenge challenge, List<String> scopes) {
    return challenge.param("realm").orElse("")
        + " "
        + challenge.param("service").orElse("")
        + " "
        + scopes.stream().sorted().toList();
  }

  private static void append(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String quote(String s) {
    return '"' + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + '"';
  }
}
