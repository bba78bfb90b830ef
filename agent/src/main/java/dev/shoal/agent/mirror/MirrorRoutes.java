package dev.shoal.agent.mirror;

import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.http.Router;

/** The endpoints of the agent's HTTP port: the registry mirror API and the health probes. */
public final class MirrorRoutes {
  private MirrorRoutes() {}

  /**
   * {@code /v2/} (version check), the pull endpoints under it, {@code /healthz}, {@code /readyz}.
   */
  public static Router create(Readiness readiness, RequestHandler mirror) {
    return RegistryRoutes.builder(readiness).prefix("/v2/", mirror).build();
  }
}
