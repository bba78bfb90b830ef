package dev.shoal.agent.mirror;

import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.http.ResponseListener;
import dev.shoal.core.http.Router;
import dev.shoal.core.metrics.MetricsHandler;
import dev.shoal.core.metrics.MetricsRegistry;

/** The endpoints of the agent's HTTP port: the registry mirror API, metrics and health probes. */
public final class MirrorRoutes {
  private MirrorRoutes() {}

  /**
   * {@code /v2/} (version check), the pull endpoints under it, {@code /healthz}, {@code /readyz},
   * and {@code /metrics}; every response counted by {@code responses}.
   */
  public static Router create(
      Readiness readiness,
      RequestHandler mirror,
      MetricsRegistry metrics,
      ResponseListener responses) {
    return RegistryRoutes.builder(readiness)
        .prefix("/v2/", mirror)
        .get(MetricsHandler.PATH, new MetricsHandler(metrics))
        .onResponse(responses)
        .build();
  }
}
