package dev.shoal.core.registry;

import java.util.List;

/** The registry answered 404: no such repository, manifest, blob or upload (see {@link #codes}). */
public final class NotFoundException extends RegistryException {
  public NotFoundException(String message, List<RegistryError> errors) {
    super(message, 404, errors);
  }
}
