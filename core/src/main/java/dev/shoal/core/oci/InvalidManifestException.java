package dev.shoal.core.oci;

/**
 * A manifest, image index or image config that Shoal refuses: not JSON, a missing or malformed
 * field, an unsupported schema, or too large. The message quotes the bad value and names its path
 * in the document. The HTTP edge maps it to the distribution spec's {@code MANIFEST_INVALID}.
 */
public final class InvalidManifestException extends IllegalArgumentException {
  public InvalidManifestException(String message) {
    super(message);
  }
}
