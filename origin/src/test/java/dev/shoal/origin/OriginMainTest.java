package dev.shoal.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.testing.RegistryServerContract;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The real origin (store, HTTP server) on 127.0.0.1 with an ephemeral port; its registry port
 * behaves as {@link RegistryServerContract} says.
 */
class OriginMainTest extends RegistryServerContract<OriginMain> {
  OriginMainTest() {
    super(OriginMain::uri, OriginMain::dataDir);
  }

  @Override
  protected OriginMain start(HostPort listen, Path data) throws IOException {
    OriginConfig config =
        OriginConfig.defaults(data)
            .withApi(ApiConfig.defaults().withListen(listen))
            .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0)));
    return OriginMain.start(config, Clock.systemUTC());
  }

  @Test
  void eventStream_listensOnItsOwnPortNextToTheApi() {
    assertThat(server().eventsAddress().port()).isPositive().isNotEqualTo(server().uri().getPort());
    assertThat(server().eventsAddress().host()).isEqualTo("127.0.0.1");
  }
}
