package dev.shoal.core.registry;

import java.io.IOException;
import java.util.List;

/**
 * A registry answered with an error, or not at all as the distribution spec says it should. Carries
 * the HTTP status (0 when there was no answer) and the OCI error codes of the body.
 */
public class RegistryException extends IOException {
  private final int status;
  private final List<RegistryError> errors;

  public RegistryException(String message, int status, List<RegistryError> errors) {
    super(message);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.errors = List.of();
  }

  /** The HTTP status code, or 0 when the failure was not an HTTP answer. */
  public int status() {
    return status;
  }

  /** The errors of the OCI error body, in order; empty when the body had none. */
  public List<RegistryError> errors() {
    return errors;
  }

  /** The error codes alone, e.g. {@code [BLOB_UNKNOWN]}. */
  public List<String> codes() {
    return errors.stream().map(RegistryError::code).toList();
  }

  /** Whether any error of the body has {@code code}. */
  public boolean hasCode(String code) {
    return errors.stream().anyMatch(e -> e.code().equals(code));
  }
}
