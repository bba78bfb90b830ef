package dev.shoal.core.registry;

import java.util.List;
import java.util.Optional;

/**
 * The registry refused the caller: 401 after the client had answered the challenge (or could not),
 * or 403. {@link #status()} tells which.
 */
public final class UnauthorizedException extends RegistryException {
  private final String challenge;

  public UnauthorizedException(String message, int status, List<RegistryError> errors) {
    this(message, status, errors, null);
  }

  /**
   * @param challenge the registry's {@code WWW-Authenticate} header, or null
   */
  public UnauthorizedException(
      String message, int status, List<RegistryError> errors, String challenge) {
    super(message, status, errors);
    this.challenge = challenge;
  }

  /**
   * The registry's {@code WWW-Authenticate} header as it sent it, for a proxy that passes the
   * challenge on to its own client.
   */
  public Optional<String> challenge() {
    return Optional.ofNullable(challenge);
  }
}
