package dev.shoal.core.registry;

import java.util.List;

/**
 * The registry refused the caller: 401 after the client had answered the challenge (or could not),
 * or 403. {@link #status()} tells which.
 */
public final class UnauthorizedException extends RegistryException {
  public UnauthorizedException(String message, int status, List<RegistryError> errors) {
    super(message, status, errors);
  }
}
