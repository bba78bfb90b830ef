package dev.shoal.agent.mirror;

import static dev.shoal.agent.mirror.MirrorClient.blobPath;
import static dev.shoal.agent.mirror.MirrorClient.manifestPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.LayeredImage;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.core.testing.UpstreamProxy.Outage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tags through the mirror: resolved again once the tag TTL passed (time on a {@link MutableClock}),
 * and served from the cache with a {@code Warning} while the upstream is down, while content by
 * digest keeps flowing.
 */
@Timeout(60)
class MirrorTagTest extends ProxiedMirror {
  private static final Duration TAG_TTL = Duration.ofSeconds(30);

  @TempDir Path registryDir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private CncfRegistry registry;
  private RegistryClient push;

  @BeforeEach
  void start() throws Exception {
    CncfRegistry.assumeInstalled();
    registry = CncfRegistry.start(registryDir);
    push = registry.client();
    startAgent(registry.baseUri(), clock, m -> m.withTagTtl(TAG_TTL), data);
  }

  @AfterEach
  void stop() {
    stopAgent();
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void tag_isResolvedAgainOnlyAfterTheTtl() throws Exception {
    LayeredImage v1 = LayeredImage.random(1, 1000);
    v1.push(push, "team/tool", "latest");
    String tagPath = manifestPath("team/tool", "latest");
    assertThat(client.manifest(tagPath).body()).isEqualTo(v1.manifest().raw());

    LayeredImage v2 = LayeredImage.random(2, 2000);
    v2.push(push, "team/tool", "latest");
    assertThat(v2.manifest().digest()).isNotEqualTo(v1.manifest().digest());

    clock.advance(TAG_TTL.minusSeconds(1));
    MirrorClient.Answer cached = client.manifest(tagPath);
    assertThat(cached.body()).as("within the TTL").isEqualTo(v1.manifest().raw());
    assertThat(proxy.requests("HEAD", tagPath)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    MirrorClient.Answer moved = client.manifest(tagPath);
    assertThat(moved.status()).isEqualTo(200);
    assertThat(moved.body()).as("after the TTL").isEqualTo(v2.manifest().raw());
    assertThat(moved.header("Docker-Content-Digest")).isEqualTo(v2.manifest().digest().toString());
    assertThat(moved.header("Warning")).isNull();
    assertThat(proxy.requests("HEAD", tagPath)).isEqualTo(2);
  }

  @Test
  void upstreamRefusingConnections_tagFromCacheWithWarning_digestsKeepWorking() throws Exception {
    servesFromCacheDuring(Outage.REFUSE);
  }

  @Test
  void upstreamAnswering503_tagFromCacheWithWarning_digestsKeepWorking() throws Exception {
    servesFromCacheDuring(Outage.UNAVAILABLE);
  }

  private void servesFromCacheDuring(Outage outage) throws Exception {
    LayeredImage image = LayeredImage.random(3, 300_000, 2_000_000);
    image.push(push, "team/db", "15");
    Digest layer = image.layerDigests().get(1);
    assertThat(client.manifest(manifestPath("team/db", "15")).status()).isEqualTo(200);
    assertThat(client.get(blobPath("team/db", layer)).body()).isEqualTo(image.blob(layer));
    Digest neverPulled = image.layerDigests().get(0);

    proxy.outage(outage);
    // Past the tag TTL and past the authorization TTL: every answer needs the upstream, or a
    // fallback.
    clock.advance(Duration.ofMinutes(5));

    MirrorClient.Answer tag = client.manifest(manifestPath("team/db", "15"));
    assertThat(tag.status()).isEqualTo(200);
    assertThat(tag.body()).isEqualTo(image.manifest().raw());
    assertThat(tag.header("Warning")).startsWith("110 ").contains("Stale");
    assertThat(agent.metrics().staleTags()).isEqualTo(1);

    MirrorClient.Answer byDigest =
        client.manifest(manifestPath("team/db", image.manifest().digest().toString()));
    assertThat(byDigest.status()).isEqualTo(200);
    assertThat(byDigest.body()).isEqualTo(image.manifest().raw());
    assertThat(byDigest.header("Warning")).isNull();

    MirrorClient.Answer blob = client.get(blobPath("team/db", layer));
    assertThat(blob.status()).isEqualTo(200);
    assertThat(blob.body()).isEqualTo(image.blob(layer));

    MirrorClient.Answer missing = client.get(blobPath("team/db", neverPulled));
    assertThat(missing.status()).isEqualTo(502);
    assertThat(missing.text()).contains("unreachable");

    proxy.heal();
    MirrorClient.Answer back = client.manifest(manifestPath("team/db", "15"));
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.header("Warning")).isNull();
    assertThat(client.get(blobPath("team/db", neverPulled)).body())
        .isEqualTo(image.blob(neverPulled));
  }
}
