package dev.shoal.origin.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A signed token and what it grants, as the token endpoint hands it out. */
public record IssuedToken(String token, Instant issuedAt, Duration expiresIn, List<Scope> granted) {
  public IssuedToken {
    granted = List.copyOf(granted);
  }

  @Override
  public String toString() {
    // Never log the token itself: it is a bearer credential.
    return "IssuedToken[issuedAt=" + issuedAt + ", expiresIn=" + expiresIn + ", " + granted + "]";
  }
}
