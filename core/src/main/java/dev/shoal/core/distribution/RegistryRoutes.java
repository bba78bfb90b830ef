package dev.shoal.core.distribution;

import dev.shoal.core.http.HealthHandler;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.ReadinessHandler;
import dev.shoal.core.http.Router;

/**
 * The routes every role's registry port starts from: {@code GET /v2/} (OCI Distribution
 * Specification v1.1, "Determining support"), the {@code /healthz} and {@code /readyz} probes, and
 * the registry error for every endpoint nobody routed. Each role adds its own endpoints.
 */
public final class RegistryRoutes {
  private RegistryRoutes() {}

  /**
   * A router builder that already holds the shared routes and the fallback; add the role's
   * endpoints, then build it. Routing a shared path again is refused.
   */
  public static Router.Builder builder(Readiness readiness) {
    ApiVersionHandler apiVersion = new ApiVersionHandler();
    return probes(readiness).get("/v2/", apiVersion).get("/v2", apiVersion);
  }

  /**
   * The probes and the fallback only, for a role that answers {@code GET /v2/} itself (the origin:
   * with a 401 challenge for callers without valid credentials).
   */
  public static Router.Builder probes(Readiness readiness) {
    return Router.builder()
        .get("/healthz", new HealthHandler())
        .get("/readyz", new ReadinessHandler(readiness))
        .fallback(new UnknownEndpointHandler());
  }
}
