package dev.shoal.agent.mirror;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.testing.UpstreamProxy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the mirror's tests: an agent pulling from an upstream through an {@link
 * UpstreamProxy} (which counts what the upstream sent and injects its faults), and a client of the
 * agent. A test class starts them in its {@code @BeforeEach} with {@link #startAgent}; they stop
 * after each test, or earlier with {@link #stopAgent()} where the class must clean up after them.
 */
abstract class ProxiedMirror {
  @TempDir Path data;
  UpstreamProxy proxy;
  AgentMain agent;
  MirrorClient client;

  /** An agent with its data in {@link #data}, on the system clock, pulling through the proxy. */
  void startAgent(URI upstream) throws IOException {
    startAgent(upstream, Clock.systemUTC(), m -> m, data);
  }

  /**
   * An agent pulling from {@code upstream} through the proxy; no eviction, so that the host's disk
   * does not matter.
   *
   * @param mirror changes to the mirror's config (tag TTL, more upstreams)
   */
  void startAgent(URI upstream, Clock clock, UnaryOperator<MirrorConfig> mirror, Path dataDir)
      throws IOException {
    proxy = UpstreamProxy.start(upstream);
    agent = TestAgents.start(dataDir, proxy.uri(), clock, mirror, false);
    client = new MirrorClient(agent.uri());
  }

  /** Stops the agent, then the proxy; nothing once stopped. */
  @AfterEach
  void stopAgent() {
    try {
      if (agent != null) {
        agent.close();
      }
    } finally {
      agent = null;
      if (proxy != null) {
        proxy.close();
        proxy = null;
      }
    }
  }
}
