package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.testing.RegistryServerContract;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The real agent (store, HTTP server) on 127.0.0.1 with an ephemeral port; its registry port
 * behaves as {@link RegistryServerContract} says.
 */
class AgentMainTest extends RegistryServerContract<AgentMain> {
  AgentMainTest() {
    super(AgentMain::uri, AgentMain::dataDir);
  }

  @Override
  protected AgentMain start(HostPort listen, Path data) throws IOException {
    AgentConfig config =
        AgentConfig.defaults(data)
            .withMirror(MirrorConfig.defaults().withListen(listen))
            .withControl(new ControlConfig(new HostPort("127.0.0.1", 0)));
    return AgentMain.start(config, Clock.systemUTC());
  }

  @Test
  void registryWithoutUpstream_isAnOciErrorSayingWhatToConfigure() throws Exception {
    HttpResponse<String> response = http().get("/v2/library/busybox/manifests/latest?ns=docker.io");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
    assertThat(response.body())
        .startsWith("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":")
        .contains("docker.io")
        .contains("mirror.upstreams");
  }

  @Test
  void pushes_areRefusedAsReadOnly() throws Exception {
    HttpResponse<String> response = http().post("/v2/team/app/blobs/uploads/");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).contains("\"code\":\"UNSUPPORTED\"").contains("read-only");
  }

  @Test
  void v2_answersAsARegistry() throws Exception {
    HttpResponse<String> response = http().get("/v2/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("{}");
  }

  @Test
  void v2_headHasHeadersButNoBody() throws Exception {
    HttpResponse<String> response = http().head("/v2/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).contains("2");
    assertThat(response.body()).isEmpty();
  }
}
