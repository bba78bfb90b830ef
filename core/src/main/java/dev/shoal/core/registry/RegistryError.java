package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

/**
 * One entry of a registry's error body, OCI distribution spec "Error Codes": {@code
 * {"errors":[{"code","message","detail"}]}}.
 *
 * @param code the error code, e.g. {@code BLOB_UNKNOWN}; {@code UNKNOWN} when the body had none
 * @param message the registry's message, or empty
 * @param detail the {@code detail} value as JSON text, or empty
 */
public record RegistryError(String code, String message, String detail) {
  public RegistryError {
    requireNonNull(code, "code");
    requireNonNull(message, "message");
    requireNonNull(detail, "detail");
  }
}
