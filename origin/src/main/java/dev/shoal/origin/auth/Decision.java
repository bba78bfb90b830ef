package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.HttpError;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@link Authorizer} decided about one request: go ahead (as whom), challenge the client
 * (401 with {@code WWW-Authenticate}), or answer as for a repository that does not exist.
 */
public record Decision(Outcome outcome, Optional<Account> subject, String detail) {
  public enum Outcome {
    /** Go ahead. */
    ALLOWED,
    /** 401 {@code UNAUTHORIZED}; {@link #detail} is the {@code WWW-Authenticate} value. */
    CHALLENGE,
    /**
     * The caller may do nothing in this repository (another tenant's): answer exactly as the
     * endpoint answers for a missing repository. {@link #detail} is the repository.
     */
    NOT_FOUND
  }

  public Decision {
    requireNonNull(outcome, "outcome");
    requireNonNull(subject, "subject");
    requireNonNull(detail, "detail");
  }

  static Decision allowed(Optional<Account> subject) {
    return new Decision(Outcome.ALLOWED, subject, "");
  }

  static Decision challenge(String wwwAuthenticate) {
    return new Decision(Outcome.CHALLENGE, Optional.empty(), wwwAuthenticate);
  }

  static Decision notFound(Optional<Account> subject, String repository) {
    return new Decision(Outcome.NOT_FOUND, subject, repository);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }

  /**
   * The error to answer with unless allowed: 401 with the challenge, or 404 {@code NAME_UNKNOWN}
   * worded as the registry API words it for a missing repository.
   */
  public HttpError error() {
    return switch (outcome) {
      case ALLOWED -> throw new IllegalStateException("allowed: no error to answer");
      case CHALLENGE -> new HttpError("UNAUTHORIZED: " + detail, () -> unauthorized(detail));
      case NOT_FOUND ->
          new HttpError(
              "NAME_UNKNOWN: " + detail,
              () ->
                  RegistryErrors.error(
                      HttpResponseStatus.NOT_FOUND,
                      "NAME_UNKNOWN",
                      "repository name not known to registry: " + detail,
                      Map.of()));
    };
  }

  /** The OCI error {@code UNAUTHORIZED} with the given {@code WWW-Authenticate} challenge. */
  static FullHttpResponse unauthorized(String wwwAuthenticate) {
    FullHttpResponse r =
        RegistryErrors.error(
            HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED", "authentication required", Map.of());
    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate);
    return r;
  }
}
