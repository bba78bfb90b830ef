package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.PrivateContainerd;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd pulls (fetches and unpacks) a three-layer image through the agent, set up as on a
 * host: {@code deploy/containerd/hosts.toml}, only its port changed, as the {@code _default} hosts
 * file. Then a fresh containerd, with a new root, pulls the same image, and the upstream sends no
 * blob bytes for it. Bytes are counted by a relay in front of the upstream, not by the agent.
 */
class ContainerdMirrorIT {
  private static final String PASSWORD = "mirror-test-password";

  @TempDir Path dir;
  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  @BeforeEach
  void assumeContainerd() {
    PrivateContainerd.assumeAvailable();
  }

  @AfterEach
  void closeAll() throws Exception {
    Exception first = null;
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Test
  void cncfUpstream_freshContainerdPullsWithNoBlobBytesFromUpstream() throws Exception {
    CncfRegistry.assumeInstalled();
    CncfRegistry cncf = open(CncfRegistry.start(dir.resolve("cncf")));
    LayeredImage image = LayeredImage.sample(11);
    image.push(RegistryClient.builder(cncf.baseUri()).build(), "demo/app", "v1");
    CountingRelay upstream = open(CountingRelay.start(cncf.baseUri()));
    AgentMain agent = open(startAgent(upstream.uri()));

    pullTwice(image, upstream, agent, upstream.hostPort() + "/demo/app:v1");
  }

  @Test
  void registryWithoutAnUpstream_agentAnswers404AndContainerdPullsDirectly() throws Exception {
    CncfRegistry.assumeInstalled();
    CncfRegistry cncf = open(CncfRegistry.start(dir.resolve("cncf")));
    LayeredImage image = LayeredImage.sample(13);
    image.push(RegistryClient.builder(cncf.baseUri()).build(), "demo/app", "v1");
    CountingRelay upstream = open(CountingRelay.start(cncf.baseUri()));
    AgentMain agent = open(startAgent(upstream.uri()));

    // By the registry's own address: containerd's ?ns= names a registry the agent has no upstream
    // for, as the deploy hosts.toml says happens for _default; the pull must still work.
    String registry = cncf.baseUri().getHost() + ":" + cncf.baseUri().getPort();
    String ref = registry + "/demo/app:v1";
    PrivateContainerd containerd = open(startContainerd("containerd", agent));
    PrivateContainerd.Result pull = containerd.pull(ref, "--http-dump");

    assertThat(pull.succeeded()).as(pull.toString()).isTrue();
    assertUnpacked(containerd, ref, image);
    // containerd adds ?ns= only to requests for a mirror: it asked the agent first.
    assertThat(pull.output()).contains("?ns=" + registry.replace(":", "%3A"));
    assertThat(upstream.exchanges()).as("the agent fetched nothing").isEmpty();
  }

  @Test
  void shoalOrigin_relaysCallersCredentials_freshContainerdPullsWithNoBlobBytesFromUpstream()
      throws Exception {
    OriginMain origin =
        open(
            OriginMain.start(
                OriginConfig.defaults(dir.resolve("origin"))
                    .withApi(new ApiConfig(new HostPort("127.0.0.1", 0)))
                    .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
                Clock.systemUTC(),
                Map.of("SHOAL_ADMIN_PASSWORD", PASSWORD),
                System.out));
    String originHost = origin.uri().getHost() + ":" + origin.uri().getPort();
    LayeredImage image = LayeredImage.sample(12);
    image.push(
        RegistryClient.builder(origin.uri())
            .credentials(Credentials.of(originHost, "admin", PASSWORD))
            .build(),
        "admin/app",
        "v1");
    CountingRelay upstream = open(CountingRelay.start(origin.uri()));
    AgentMain agent = open(startAgent(upstream.uri()));
    String ref = upstream.hostPort() + "/admin/app:v1";

    pullTwice(image, upstream, agent, ref, "--user", "admin:" + PASSWORD);

    // The agent holds the whole image now; a caller without credentials still gets none of it.
    int mark = upstream.exchanges().size();
    PrivateContainerd anonymous = open(startContainerd("containerd-anonymous", agent));
    PrivateContainerd.Result refused = anonymous.fetch(ref);
    assertThat(refused.succeeded()).as(refused.toString()).isFalse();
    assertThat(refused.output()).contains("pull access denied");
    assertThat(anonymous.contentDigests())
        .doesNotContainAnyElementsOf(
            image.blobs().stream().map(d -> d.digest().toString()).toList());
    assertThat(upstream.blobBytesSince(mark)).isZero();
  }

  /**
   * A first containerd pulls {@code ref} through the agent; every upstream request is the agent's
   * and each blob crosses once. A second, fresh containerd pulls it again: no blob bytes upstream.
   */
  private void pullTwice(
      LayeredImage image, CountingRelay upstream, AgentMain agent, String ref, String... flags)
      throws Exception {
    long imageBytes = image.blobs().stream().mapToLong(Descriptor::size).sum();
    try (PrivateContainerd first = startContainerd("containerd-1", agent)) {
      long start = System.nanoTime();
      PrivateContainerd.Result pull = first.pull(ref, flags);
      assertThat(pull.succeeded()).as("%s\ncontainerd log:\n%s", pull, first.log()).isTrue();
      System.out.printf(
          "first pull (%s): %d ms%n", first.snapshotter(), (System.nanoTime() - start) / 1_000_000);
      assertUnpacked(first, ref, image);
    }
    assertThat(upstream.exchanges())
        .as("requests at the upstream")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("shoal-agent"));
    assertThat(upstream.blobBytesSince(0))
        .as("blob bytes sent by the upstream")
        .isEqualTo(imageBytes);

    int mark = upstream.exchanges().size();
    long fromStore = agent.metrics().bytesFromStore();
    try (PrivateContainerd second = startContainerd("containerd-2", agent)) {
      long start = System.nanoTime();
      PrivateContainerd.Result pull = second.pull(ref, flags);
      assertThat(pull.succeeded()).as("%s\ncontainerd log:\n%s", pull, second.log()).isTrue();
      System.out.printf(
          "second pull (%s): %d ms%n",
          second.snapshotter(), (System.nanoTime() - start) / 1_000_000);
      assertUnpacked(second, ref, image);
    }
    List<CountingRelay.Exchange> since =
        upstream.exchanges().subList(mark, upstream.exchanges().size());
    assertThat(upstream.blobBytesSince(mark)).as("upstream blob bytes: %s", since).isZero();
    assertThat(since).allSatisfy(e -> assertThat(e.userAgent()).startsWith("shoal-agent"));
    assertThat(agent.metrics().bytesFromStore() - fromStore).isEqualTo(imageBytes);
  }

  /** The pulled image's files, read from its mounted root file system, are the pushed ones. */
  private static void assertUnpacked(PrivateContainerd containerd, String ref, LayeredImage image)
      throws Exception {
    assertThat(containerd.contentDigests())
        .containsAll(image.blobs().stream().map(d -> d.digest().toString()).toList())
        .contains(image.digest().toString());
    Map<String, byte[]> expected = image.files();
    Map<String, byte[]> actual = containerd.readFiles(ref, expected.keySet());
    assertThat(actual).containsOnlyKeys(expected.keySet());
    expected.forEach((path, bytes) -> assertThat(actual.get(path)).as(path).isEqualTo(bytes));
  }

  private PrivateContainerd startContainerd(String name, AgentMain agent) throws Exception {
    PrivateContainerd containerd = PrivateContainerd.start(dir.resolve(name));
    HostPort listen = new HostPort(agent.uri().getHost(), agent.uri().getPort());
    containerd.hostsToml("_default", DeployTemplates.containerdHostsToml(listen));
    return containerd;
  }

  private AgentMain startAgent(URI upstream) throws Exception {
    return AgentMain.start(
        AgentConfig.defaults(dir.resolve("agent"))
            .withMirror(
                MirrorConfig.defaults()
                    .withListen(new HostPort("127.0.0.1", 0))
                    .withUpstream(upstream))
            .withControl(new ControlConfig(new HostPort("127.0.0.1", 0))),
        Clock.systemUTC());
  }

  private <T extends AutoCloseable> T open(T resource) {
    open.push(resource);
    return resource;
  }
}
