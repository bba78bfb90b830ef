package dev.shoal.agent.mirror;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;

/** Real agents for the mirror's tests: loopback, ephemeral ports, data in a test's directory. */
final class TestAgents {
  private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);

  private TestAgents() {}

  /**
   * An agent pulling through {@code upstream}.
   *
   * @param mirror changes to the mirror's config (tag TTL, more upstreams)
   * @param evict whether the store evicts; off where the host's disk must not matter
   */
  static AgentMain start(
      Path data, URI upstream, Clock clock, UnaryOperator<MirrorConfig> mirror, boolean evict)
      throws IOException {
    MirrorConfig mc =
        mirror.apply(MirrorConfig.defaults().withListen(ANY_PORT).withUpstream(upstream));
    AgentConfig config =
        new AgentConfig(
            StoreConfig.defaults(data).withEviction(evict), mc, new ControlConfig(ANY_PORT));
    return AgentMain.start(config, clock);
  }

  /**
   * Whether {@code agent} holds {@code digest} complete within a few seconds: a client gets the
   * last bytes once they are verified, and the store publishes the blob just after (fsync, rename).
   */
  static boolean eventuallyHeld(AgentMain agent, Digest digest)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (agent.store().contains(digest)) {
        return true;
      }
      Thread.sleep(20);
    }
    return agent.store().contains(digest);
  }
}
