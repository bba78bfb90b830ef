package dev.shoal.core.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.http.HttpServer;
import dev.shoal.core.http.Readiness;
import dev.shoal.core.http.Responses;
import dev.shoal.core.testing.HttpProbe;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

class RegistryRoutesTest {
  private final Readiness readiness = new Readiness();

  @Test
  void roleEndpoint_isServedBesideTheSharedOnes() throws Exception {
    readiness.ready();
    try (HttpServer server =
        HttpServer.start(
            new HostPort("127.0.0.1", 0),
            RegistryRoutes.builder(readiness)
                .get(
                    "/v2/_catalog",
                    (request, path) -> Responses.text(HttpResponseStatus.OK, "catalog\n"))
                .build())) {
      HttpProbe http = new HttpProbe(server.uri());
      assertThat(http.get("/v2/_catalog").body()).isEqualTo("catalog\n");
      assertThat(http.get("/v2/").statusCode()).isEqualTo(200);
      assertThat(http.get("/v2").statusCode()).isEqualTo(200);
      assertThat(http.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
      assertThat(http.get("/v2/library/busybox/tags/list").body()).contains("UNSUPPORTED");
    }
  }

  @Test
  void sharedPath_cannotBeRoutedAgainByARole() {
    assertThatThrownBy(
            () ->
                RegistryRoutes.builder(readiness)
                    .get("/healthz", (request, path) -> Responses.text(HttpResponseStatus.OK, "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path: /healthz (expected: routed once)");
  }
}
