package dev.shoal.core.digest;

/**
 * A digest string that is not {@code algorithm:hex} with a known algorithm and lowercase hex of the
 * right length.
 */
public final class InvalidDigestException extends IllegalArgumentException {
  public InvalidDigestException(String message) {
    super(message);
  }
}
