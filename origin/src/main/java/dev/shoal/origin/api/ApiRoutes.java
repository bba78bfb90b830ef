package dev.shoal.origin.api;

import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.Router;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.admin.AdminApi;
import dev.shoal.origin.auth.Authorizer;
import dev.shoal.origin.auth.TokenEndpoint;
import dev.shoal.origin.auth.TokenService;
import dev.shoal.origin.meta.RegistryMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** The endpoints of the origin's HTTP port: the registry API and the health probes. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /**
   * The shared routes, the registry API below {@code /v2/} and the token endpoint, both answering
   * 503 until opened.
   */
  public static Router create(
      Readiness readiness, DeferredApi api, DeferredApi token, DeferredApi admin) {
    // "/v2" also covers "/v2/": the API answers the version check itself, with a challenge.
    return RegistryRoutes.probes(readiness)
        .prefix("/v2", api)
        .prefix(TokenEndpoint.PATH, token)
        .prefix(AdminApi.PATH, admin)
        .build();
  }

  /** Hands the token service to {@code token}, the administration API to {@code admin}. */
  public static void openAuth(
      DeferredApi token, DeferredApi admin, TokenService tokens, AdminApi api) {
    token.open(new TokenEndpoint(tokens));
    admin.open(api);
  }

  /** Hands the whole registry API over {@code store} and {@code meta} to {@code api}. */
  public static void open(
      DeferredApi api,
      ContentStore store,
      RegistryMetadata meta,
      Path uploadDir,
      Clock clock,
      ApiMetrics metrics,
      Authorizer authorizer)
      throws IOException {
    api.open(new DistributionApi(store, meta, uploadDir, clock, metrics, authorizer));
  }
}
