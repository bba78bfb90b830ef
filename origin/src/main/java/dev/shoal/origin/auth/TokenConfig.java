package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The token service's settings: who issues ({@code iss}), for which service ({@code aud}), and how
 * long access tokens (default 5 minutes) and login tokens (default 12 hours, like ECR) live.
 */
public record TokenConfig(
    String issuer, String service, Duration accessTokenTtl, Duration loginTokenTtl) {
  /** Clock difference between hosts allowed when checking {@code exp} and {@code nbf}. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  public TokenConfig {
    requireNonNull(issuer, "issuer");
    requireNonNull(service, "service");
    requireNonNull(accessTokenTtl, "accessTokenTtl");
    requireNonNull(loginTokenTtl, "loginTokenTtl");
    if (service.isEmpty() || service.contains("\"")) {
      throw new IllegalArgumentException("service: " + service + " (expected: a name)");
    }
    if (accessTokenTtl.compareTo(Duration.ofSeconds(60)) < 0
        || accessTokenTtl.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "accessTokenTtl: " + accessTokenTtl + " (expected: 60s to 1h)");
    }
    if (loginTokenTtl.compareTo(Duration.ofMinutes(5)) < 0
        || loginTokenTtl.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(
          "loginTokenTtl: " + loginTokenTtl + " (expected: 5m to 7d)");
    }
  }

  public static TokenConfig defaults() {
    return new TokenConfig("shoal-origin", "shoal", Duration.ofMinutes(5), Duration.ofHours(12));
  }

  public TokenConfig withAccessTokenTtl(Duration ttl) {
    return new TokenConfig(issuer, service, ttl, loginTokenTtl);
  }

  /** How long a retired signing key must still verify: the longest lifetime plus the skew. */
  public Duration keyRetention() {
    Duration longest = accessTokenTtl.compareTo(loginTokenTtl) > 0 ? accessTokenTtl : loginTokenTtl;
    return longest.plus(CLOCK_SKEW);
  }
}
