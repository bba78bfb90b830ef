package dev.shoal.origin.api;

import dev.shoal.core.distribution.RegistryRoutes;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.Router;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.meta.RegistryMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** The endpoints of the origin's HTTP port: the registry API and the health probes. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /** The shared routes, and the registry API below {@code /v2/} once {@code api} is opened. */
  public static Router create(Readiness readiness, DeferredApi api) {
    return RegistryRoutes.builder(readiness).prefix("/v2/", api).build();
  }

  /** Hands the whole registry API over {@code store} and {@code meta} to {@code api}. */
  public static void open(
      DeferredApi api,
      ContentStore store,
      RegistryMetadata meta,
      Path uploadDir,
      Clock clock,
      ApiMetrics metrics)
      throws IOException {
    api.open(new DistributionApi(store, meta, uploadDir, clock, metrics));
  }
}
