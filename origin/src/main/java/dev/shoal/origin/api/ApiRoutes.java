package dev.shoal.origin.api;

import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.Router;

/** The endpoints of the origin's HTTP port: the registry API and the health probes. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /** The shared registry routes; the origin's own endpoints are added here as they are written. */
  public static Router create(Readiness readiness) {
    return RegistryRoutes.builder(readiness).build();
  }
}
