package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.proto.peer.v1.AnnounceRequest;
import dev.shoal.proto.peer.v1.Holder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a blob's home tells downloaders about its holders, in a swarm of any size. */
class HolderRegistryTest {
  private static final Digest BLOB = Digest.sha256Of("blob".getBytes(StandardCharsets.UTF_8));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private final HolderRegistry registry = new HolderRegistry(clock);

  @Test
  void aSmallSwarm_isListedWhole_mostRecentFirst() {
    announce("10.0.0.1:7000", false);
    clock.advance(Duration.ofSeconds(1));
    announce("10.0.0.2:7000", true);

    assertThat(registry.holders(BLOB))
        .extracting(Holder::getAddress)
        .containsExactly("10.0.0.2:7000", "10.0.0.1:7000");
  }

  @Test
  void aLargeSwarm_isListedAsARandomSample_completeHoldersFirst() {
    for (int i = 1; i <= 200; i++) {
      announce("10.0.1." + i + ":7000", i <= 5);
    }
    Set<String> seen = new HashSet<>();
    for (int ask = 0; ask < 20; ask++) {
      List<Holder> listed = registry.holders(BLOB);
      assertThat(listed).hasSize(HolderRegistry.MAX_LISTED);
      assertThat(listed.stream().filter(Holder::getComplete).count())
          .as("the complete holders are always listed")
          .isEqualTo(5);
      listed.forEach(h -> seen.add(h.getAddress()));
    }
    // Different askers get different samples: the load spreads over the holders.
    assertThat(seen.size()).isGreaterThan(3 * HolderRegistry.MAX_LISTED);
  }

  @Test
  void holdersThatStopAnnouncing_areForgotten() {
    announce("10.0.0.1:7000", true);
    clock.advance(HolderRegistry.FORGET_AFTER.plusSeconds(1));
    announce("10.0.0.2:7000", false);
    assertThat(registry.holders(BLOB))
        .extracting(Holder::getAddress)
        .containsExactly("10.0.0.2:7000");
  }

  @Test
  void downloadersRefreshLessOften_inALargeSwarm_upToABound() {
    assertThat(SwarmDownload.refreshEvery(7)).isEqualTo(SwarmDownload.REFRESH);
    assertThat(SwarmDownload.refreshEvery(64)).isEqualTo(SwarmDownload.REFRESH.multipliedBy(4));
    assertThat(SwarmDownload.refreshEvery(1000)).isEqualTo(SwarmDownload.MAX_REFRESH);
  }

  private void announce(String address, boolean complete) {
    registry.announce(
        BLOB,
        AnnounceRequest.newBuilder()
            .setDigest(BLOB.toString())
            .setAddress(address)
            .setSize(1 << 20)
            .setComplete(complete)
            .build());
  }
}
