package dev.shoal.origin.auth;

/** A token that is malformed, forged, expired, not yet valid, or for another service. */
final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
