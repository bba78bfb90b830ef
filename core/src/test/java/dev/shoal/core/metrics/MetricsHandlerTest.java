package dev.shoal.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.http.HttpServer;
import dev.shoal.core.http.Responses;
import dev.shoal.core.http.Router;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsHandlerTest {
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> send(HttpServer server, String method) throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri().resolve(MetricsHandler.PATH))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getMetrics_servesTheTextFormatWithItsContentType() throws Exception {
    MetricsRegistry registry = new MetricsRegistry();
    Counter scrapes = registry.counter("test_scrapes_total", "Scrapes seen by the test.");
    // Every response counts as a scrape, so the second scrape sees the first.
    Router router =
        Router.builder()
            .get(MetricsHandler.PATH, new MetricsHandler(registry))
            .fallback((request, path) -> Responses.text(HttpResponseStatus.NOT_FOUND, "no\n"))
            .onResponse((method, status) -> scrapes.increment())
            .build();
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), router)) {
      send(server, "GET");
      HttpResponse<String> r = send(server, "GET");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
      assertThat(r.body())
          .isEqualTo(
              "# HELP test_scrapes_total Scrapes seen by the test.\n"
                  + "# TYPE test_scrapes_total counter\n"
                  + "test_scrapes_total 1\n");

      HttpResponse<String> head = send(server, "HEAD");
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(send(server, "POST").statusCode()).isEqualTo(405);
    }
  }
}
