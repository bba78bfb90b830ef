package dev.shoal.core.testing;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.HostPort;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every role's registry port does the same way ({@code dev.shoal.core.distribution.
 * RegistryRoutes}): {@code /v2/}, the health and readiness probes, OCI error JSON for endpoints not
 * implemented, plain 404 and 405 elsewhere, and a clean stop. A role's test extends it with the way
 * to start the real role on 127.0.0.1 with an ephemeral port, and adds the role's own tests.
 *
 * @param <S> the running role, e.g. {@code AgentMain}
 */
public abstract class RegistryServerContract<S extends AutoCloseable> {
  @TempDir protected Path data;

  private final Function<S, URI> uri;
  private final Function<S, Path> dataDir;
  private S server;
  private HttpProbe http;

  /**
   * @param uri the role's base URL, with the bound port
   * @param dataDir the data directory the role reports
   */
  protected RegistryServerContract(Function<S, URI> uri, Function<S, Path> dataDir) {
    this.uri = requireNonNull(uri, "uri");
    this.dataDir = requireNonNull(dataDir, "dataDir");
  }

  /** Starts the role, ready to serve, on {@code listen} and with its data in {@code data}. */
  protected abstract S start(HostPort listen, Path data) throws Exception;

  /** The role started for this test; closed after it. */
  protected final S server() {
    return server;
  }

  /** A client of the role's HTTP port. */
  protected final HttpProbe http() {
    return http;
  }

  @BeforeEach
  final void startServer() throws Exception {
    server = start(new HostPort("127.0.0.1", 0), data);
    http = new HttpProbe(uri.apply(server));
  }

  @AfterEach
  final void stopServer() throws Exception {
    server.close();
  }

  @Test
  void start_bindsAnEphemeralPortAndReportsIt() {
    assertThat(uri.apply(server).getHost()).isEqualTo("127.0.0.1");
    assertThat(uri.apply(server).getPort()).isPositive();
    assertThat(dataDir.apply(server)).isEqualTo(data);
  }

  @Test
  void healthAndReadiness_are200WhileRunning() throws Exception {
    assertThat(http.get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
  }

  @Test
  void pathsOutsideTheApi_arePlain404() throws Exception {
    HttpResponse<String> response = http.get("/nothing-here");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
  }

  @Test
  void otherMethodsOnKnownPaths_are405WithAllow() throws Exception {
    HttpResponse<String> response = http.post("/healthz");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void close_stopsListening() throws Exception {
    server.close();
    server.close(); // idempotent
    assertThatThrownBy(() -> http.get("/healthz")).isInstanceOf(ConnectException.class);
  }
}
