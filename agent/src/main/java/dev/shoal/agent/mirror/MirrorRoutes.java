package dev.shoal.agent.mirror;

import dev.shoal.core.distribution.ApiVersionHandler;
import dev.shoal.core.distribution.UnknownEndpointHandler;
import dev.shoal.core.http.HealthHandler;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.ReadinessHandler;
import dev.shoal.core.http.Router;

/** The endpoints of the agent's HTTP port: the registry mirror API and the health probes. */
public final class MirrorRoutes {
  private MirrorRoutes() {}

  public static Router create(Readiness readiness) {
    ApiVersionHandler apiVersion = new ApiVersionHandler();
    return Router.builder()
        .get("/v2/", apiVersion)
        .get("/v2", apiVersion)
        .get("/healthz", new HealthHandler())
        .get("/readyz", new ReadinessHandler(readiness))
        .fallback(new UnknownEndpointHandler())
        .build();
  }
}
