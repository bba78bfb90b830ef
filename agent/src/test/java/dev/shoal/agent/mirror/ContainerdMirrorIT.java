package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.PrivateContainerd;
import dev.shoal.core.testing.UpstreamProxy;
import dev.shoal.origin.testing.TestOrigin;
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
 * blob bytes for it. Bytes are counted by a proxy in front of the upstream, not by the agent.
 */
class ContainerdMirrorIT {
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
    LayeredImage image = LayeredImage.sample(11);
    Cncf cncf = startCncf(image);

    pullTwice(
        image,
        cncf.upstream(),
        cncf.agent(),
        cncf.upstream().uri().getAuthority() + "/demo/app:v1");
  }

  @Test
  void registryWithoutAnUpstream_agentAnswers404AndContainerdPullsDirectly() throws Exception {
    LayeredImage image = LayeredImage.sample(13);
    Cncf cncf = startCncf(image);

    // By the registry's own address: containerd's ?ns= names a registry the agent has no upstream
    // for, as the deploy hosts.toml says happens for _default; the pull must still work.
    String registry = cncf.registry().baseUri().getAuthority();
    String ref = registry + "/demo/app:v1";
    PrivateContainerd containerd = open(startContainerd("containerd", cncf.agent()));
    PrivateContainerd.Result pull = containerd.pull(ref, "--http-dump");

    assertThat(pull.succeeded()).as(pull.toString()).isTrue();
    assertUnpacked(containerd, ref, image);
    // containerd adds ?ns= only to requests for a mirror: it asked the agent first.
    assertThat(pull.output()).contains("?ns=" + registry.replace(":", "%3A"));
    assertThat(cncf.upstream().exchanges()).as("the agent fetched nothing").isEmpty();
  }

  @Test
  void shoalOrigin_relaysCallersCredentials_freshContainerdPullsWithNoBlobBytesFromUpstream()
      throws Exception {
    TestOrigin origin = open(TestOrigin.start(dir.resolve("origin"), Clock.systemUTC()));
    LayeredImage image = LayeredImage.sample(12);
    image.push(origin.client("admin"), "admin/app", "v1");
    UpstreamProxy upstream = open(UpstreamProxy.start(origin.uri()));
    AgentMain agent = open(startAgent(upstream.uri()));
    String ref = upstream.uri().getAuthority() + "/admin/app:v1";

    pullTwice(image, upstream, agent, ref, "--user", "admin:" + TestOrigin.ADMIN_PASSWORD);

    // The agent holds the whole image now; a caller without credentials still gets none of it.
    int mark = upstream.exchanges().size();
    PrivateContainerd anonymous = open(startContainerd("containerd-anonymous", agent));
    PrivateContainerd.Result refused = anonymous.fetch(ref);
    assertThat(refused.succeeded()).as(refused.toString()).isFalse();
    assertThat(refused.output()).contains("pull access denied");
    assertThat(anonymous.contentDigests()).doesNotContainAnyElementsOf(digests(image));
    assertThat(blobBytesSince(upstream, mark)).isZero();
  }

  /**
   * A first containerd pulls {@code ref} through the agent; every upstream request is the agent's
   * and each blob crosses once. A second, fresh containerd pulls it again: no blob bytes upstream.
   */
  private void pullTwice(
      LayeredImage image, UpstreamProxy upstream, AgentMain agent, String ref, String... flags)
      throws Exception {
    long imageBytes = image.blobBytes();
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
    assertThat(blobBytesSince(upstream, 0))
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
    List<UpstreamProxy.Exchange> since =
        upstream.exchanges().subList(mark, upstream.exchanges().size());
    assertThat(blobBytesSince(upstream, mark)).as("upstream blob bytes: %s", since).isZero();
    assertThat(since).allSatisfy(e -> assertThat(e.userAgent()).startsWith("shoal-agent"));
    assertThat(agent.metrics().bytesFromStore() - fromStore).isEqualTo(imageBytes);
  }

  /** The pulled image's files, read from its mounted root file system, are the pushed ones. */
  private static void assertUnpacked(PrivateContainerd containerd, String ref, LayeredImage image)
      throws Exception {
    assertThat(containerd.contentDigests())
        .containsAll(digests(image))
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

  /** The CNCF registry, the proxy in front of it, and an agent pulling through the proxy. */
  private record Cncf(CncfRegistry registry, UpstreamProxy upstream, AgentMain agent) {}

  /** Starts the CNCF registry with {@code image} as {@code demo/app:v1}, its proxy and an agent. */
  private Cncf startCncf(LayeredImage image) throws Exception {
    CncfRegistry.assumeInstalled();
    CncfRegistry registry = open(CncfRegistry.start(dir.resolve("cncf")));
    image.push(registry.client(), "demo/app", "v1");
    UpstreamProxy upstream = open(UpstreamProxy.start(registry.baseUri()));
    return new Cncf(registry, upstream, open(startAgent(upstream.uri())));
  }

  /** The config's and layers' digests, as {@code ctr content ls} lists them. */
  private static List<String> digests(LayeredImage image) {
    return image.blobDigests().stream().map(Digest::toString).toList();
  }

  /**
   * Body bytes of the upstream's answers to blob GETs (of any status) since exchange {@code mark}.
   */
  private static long blobBytesSince(UpstreamProxy upstream, int mark) {
    List<UpstreamProxy.Exchange> all = upstream.exchanges();
    return all.subList(Math.min(mark, all.size()), all.size()).stream()
        .filter(UpstreamProxy.Exchange::blobGet)
        .mapToLong(UpstreamProxy.Exchange::bodyBytes)
        .sum();
  }

  /** An agent as on a host, every default but its loopback ports, pulling from {@code upstream}. */
  private AgentMain startAgent(URI upstream) throws Exception {
    return TestAgents.start(dir.resolve("agent"), upstream, Clock.systemUTC(), m -> m, true);
  }

  private <T extends AutoCloseable> T open(T resource) {
    open.push(resource);
    return resource;
  }
}
