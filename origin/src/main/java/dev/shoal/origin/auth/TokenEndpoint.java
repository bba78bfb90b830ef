package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /token?service=…&scope=…} (Docker "Token Authentication Specification", "Requesting a
 * Token"): Basic credentials (password or login token) or none for anonymous; answers {@code
 * {"token", "access_token", "expires_in", "issued_at"}}.
 */
public final class TokenEndpoint implements RequestHandler {
  public static final String PATH = "/token";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenService tokens;

  public TokenEndpoint(TokenService tokens) {
    this.tokens = requireNonNull(tokens, "tokens");
  }

  @Override
  public BodyConsumer handle(Exchange ex) throws Exception {
    if (!ex.path().equals(PATH)) {
      throw error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no such endpoint: " + ex.path());
    }
    if (!ex.method().equals(HttpMethod.GET) && !ex.method().equals(HttpMethod.HEAD)) {
      throw error(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "UNSUPPORTED",
          "method " + ex.method() + " is not allowed on " + PATH);
    }
    String service = ex.query("service");
    String expected = tokens.config().service();
    if (service != null && !service.equals(expected)) {
      throw error(
          HttpResponseStatus.BAD_REQUEST,
          "UNSUPPORTED",
          "service: " + service + " (expected: " + expected + ")");
    }
    List<Scope> scopes = new ArrayList<>();
    try {
      Map<String, List<String>> query = new QueryStringDecoder(ex.request().uri()).parameters();
      for (String value : query.getOrDefault("scope", List.of())) {
        // Clients may also put several scopes in one parameter, separated by spaces.
        for (String s : value.trim().split(" +")) {
          if (!s.isEmpty()) {
            scopes.add(Scope.parse(s));
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw error(HttpResponseStatus.BAD_REQUEST, "UNSUPPORTED", e.getMessage());
    }
    IssuedToken issued = tokens.issue(account(ex.header(HttpHeaderNames.AUTHORIZATION)), scopes);
    ObjectNode body =
        JSON.createObjectNode()
            .put("token", issued.token())
            .put("access_token", issued.token())
            .put("expires_in", issued.expiresIn().toSeconds())
            .put("issued_at", issued.issuedAt().toString());
    FullHttpResponse r = Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(body));
    // A bearer credential must not sit in a shared cache.
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    ex.respond(r);
    return null;
  }

  /** The account of Basic credentials; empty without any; 401 for wrong or other credentials. */
  private Optional<Account> account(String authorization) throws HttpError {
    if (authorization == null || authorization.isBlank()) {
      return Optional.empty();
    }
    String prefix = "basic ";
    if (authorization.length() > prefix.length()
        && authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(prefix.length()).trim()),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          Optional<Account> who =
              tokens.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
          if (who.isPresent()) {
            return who;
          }
        }
      } catch (IllegalArgumentException e) {
        // Not Base64: answered below like any wrong credentials.
      }
    }
    String challenge = "Basic realm=\"" + tokens.config().service() + "\"";
    throw new HttpError("UNAUTHORIZED: bad credentials", () -> Decision.unauthorized(challenge));
  }

  private static HttpError error(HttpResponseStatus status, String code, String message) {
    return new HttpError(
        code + ": " + message, () -> RegistryErrors.error(status, code, message, Map.of()));
  }
}
