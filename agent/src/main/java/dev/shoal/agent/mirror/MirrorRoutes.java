package dev.shoal.agent.mirror;

import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.Router;

/** The endpoints of the agent's HTTP port: the registry mirror API and the health probes. */
public final class MirrorRoutes {
  private MirrorRoutes() {}

  /** The shared registry routes; the mirror's own endpoints are added here as they are written. */
  public static Router create(Readiness readiness) {
    return RegistryRoutes.builder(readiness).build();
  }
}
