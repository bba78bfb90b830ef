package dev.shoal.origin.api;

import dev.shoal.core.distribution.DeferredHandler;
import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.Router;
import dev.shoal.core.metrics.MetricsHandler;
import dev.shoal.core.metrics.MetricsRegistry;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.admin.AdminApi;
import dev.shoal.origin.auth.Authorizer;
import dev.shoal.origin.auth.TokenEndpoint;
import dev.shoal.origin.auth.TokenService;
import dev.shoal.origin.meta.RegistryMetadata;
import java.time.Clock;

/** The endpoints of the origin's HTTP port: the registry API and the health probes. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /**
   * The shared routes, {@code /metrics} (without credentials, like the probes), the registry API
   * below {@code /v2/} and the token endpoint, both answering 503 until opened. Every response is
   * counted in {@code metrics}.
   */
  public static Router create(
      Readiness readiness,
      DeferredHandler api,
      DeferredHandler token,
      DeferredHandler admin,
      MetricsRegistry registry,
      ApiMetrics metrics) {
    // "/v2" also covers "/v2/": the API answers the version check itself, with a challenge.
    return RegistryRoutes.probes(readiness)
        .get(MetricsHandler.PATH, new MetricsHandler(registry))
        .prefix("/v2", api)
        .prefix(TokenEndpoint.PATH, token)
        .prefix(AdminApi.PATH, admin)
        .onResponse(metrics)
        .build();
  }

  /** Hands the token service to {@code token}, the administration API to {@code admin}. */
  public static void openAuth(
      DeferredHandler token, DeferredHandler admin, TokenService tokens, AdminApi api) {
    token.open(new TokenEndpoint(tokens));
    admin.open(api);
  }

  /** Hands the whole registry API over {@code store} and {@code meta} to {@code api}. */
  public static void open(
      DeferredHandler api,
      ContentStore store,
      RegistryMetadata meta,
      UploadArea uploads,
      Clock clock,
      ApiMetrics metrics,
      Authorizer authorizer) {
    api.open(new DistributionApi(store, meta, uploads, clock, metrics, authorizer));
  }
}
