package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Whether a role can serve requests: not until its store is open, and not again once shutdown has
 * begun. {@code /readyz} reports it; a load balancer or the demo waits for it.
 */
public final class Readiness {
  private volatile String notReadyReason = "starting";

  public void ready() {
    notReadyReason = null;
  }

  public void notReady(String reason) {
    notReadyReason = requireNonNull(reason, "reason");
  }

  /** Empty when ready; otherwise why not. */
  public Optional<String> notReadyReason() {
    return Optional.ofNullable(notReadyReason);
  }
}
