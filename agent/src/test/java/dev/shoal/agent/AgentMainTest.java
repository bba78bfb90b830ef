package dev.shoal.agent;

import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.testing.RegistryServerContract;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

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
}
