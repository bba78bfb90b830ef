package dev.shoal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.HostPort;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.OriginConfig;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real origin (store, HTTP server) on 127.0.0.1 with an ephemeral port. */
class OriginMainTest {
  @TempDir Path data;

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private OriginMain origin;

  @BeforeEach
  void start() throws Exception {
    OriginConfig config =
        OriginConfig.defaults(data)
            .withApi(ApiConfig.defaults().withListen(new HostPort("127.0.0.1", 0)));
    origin = OriginMain.start(config, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(origin.uri().resolve(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void start_bindsAnEphemeralPortAndReportsIt() {
    assertThat(origin.uri().getHost()).isEqualTo("127.0.0.1");
    assertThat(origin.uri().getPort()).isPositive();
    assertThat(origin.dataDir()).isEqualTo(data);
  }

  @Test
  void v2_answersAsARegistry() throws Exception {
    HttpResponse<String> response = get("/v2/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("{}");
  }

  @Test
  void v2_headHasHeadersButNoBody() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(origin.uri().resolve("/v2/")).method("HEAD", noBody()));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).contains("2");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void healthAndReadiness_are200WhileRunning() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
  }

  @Test
  void unknownRegistryEndpoint_isAnOciErrorNamingThePath() throws Exception {
    HttpResponse<String> response = get("/v2/library/busybox/manifests/latest?ns=docker.io");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
    assertThat(response.body())
        .startsWith("{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":")
        .contains("not implemented yet")
        .contains("\"path\":\"/v2/library/busybox/manifests/latest\"");
  }

  @Test
  void pathsOutsideTheApi_arePlain404() throws Exception {
    HttpResponse<String> response = get("/nothing-here");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
  }

  @Test
  void otherMethodsOnKnownPaths_are405WithAllow() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(origin.uri().resolve("/healthz")).POST(noBody()));
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void close_stopsListening() throws Exception {
    URI uri = origin.uri();
    origin.close();
    origin.close(); // idempotent
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(uri.resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(ConnectException.class);
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
