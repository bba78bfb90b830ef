package dev.shoal.core.reference;

/**
 * An image reference, repository name or tag that does not follow the OCI distribution spec's
 * grammar. The message quotes the input and says what was expected; the HTTP edge maps it to {@code
 * NAME_INVALID} or {@code TAG_INVALID}.
 */
public final class InvalidReferenceException extends IllegalArgumentException {
  public InvalidReferenceException(String message) {
    super(message);
  }
}
