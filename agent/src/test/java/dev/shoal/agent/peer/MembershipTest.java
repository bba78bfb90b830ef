package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.agent.config.PeerConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the member list comes from, and how the homes of blobs follow it. */
class MembershipTest {
  @TempDir Path dir;

  private static HostPort hp(String s) {
    int colon = s.lastIndexOf(':');
    return new HostPort(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
  }

  @Test
  void peersFile_isReadAgainOnEveryResolve_withCommentsAndCommas() throws Exception {
    Path file = dir.resolve("peers");
    Files.writeString(file, "# the fleet\n10.0.0.2:5052, 10.0.0.1:5052\n");
    MemberSource source = new MemberSource(PeerConfig.defaults().withPeersFile(file));
    assertThat(source.dynamic()).isTrue();
    assertThat(source.resolve()).containsExactly(hp("10.0.0.1:5052"), hp("10.0.0.2:5052"));

    Files.writeString(file, "10.0.0.3:5052\n");
    assertThat(source.resolve()).containsExactly(hp("10.0.0.3:5052"));
  }

  @Test
  void peersFile_withABadLine_failsNamingTheFile() throws Exception {
    Path file = dir.resolve("peers");
    Files.writeString(file, "10.0.0.1\n");
    MemberSource source = new MemberSource(PeerConfig.defaults().withPeersFile(file));
    assertThatThrownBy(source::resolve)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void peersDns_nameAndPort_resolvesTheAddressesOfTheName() throws Exception {
    MemberSource source = new MemberSource(PeerConfig.defaults().withPeersDns("localhost:5052"));
    assertThat(source.resolve()).contains(hp("127.0.0.1:5052"));
  }

  @Test
  void refresh_aMemberLeaving_movesOnlyTheBlobsItWasHomeOf() throws Exception {
    HostPort self = hp("10.0.0.1:5052");
    List<HostPort> all = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      all.add(hp("10.0.0." + i + ":5052"));
    }
    try (Peers peers =
        new Peers(self, all, Optional.empty(), Duration.ofSeconds(10), Clock.systemUTC())) {
      List<Digest> digests = new ArrayList<>();
      List<HostPort> before = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Digest d = Digest.sha256Of(("blob " + i).getBytes(StandardCharsets.UTF_8));
        digests.add(d);
        before.add(homeOf(peers, d));
      }
      HostPort leaving = hp("10.0.0.5:5052");
      assertThat(before).contains(leaving);
      List<HostPort> rest = new ArrayList<>(all);
      rest.remove(leaving);
      peers.refresh(rest);

      assertThat(peers.members()).doesNotContain(leaving, self).hasSize(6);
      for (int i = 0; i < digests.size(); i++) {
        HostPort after = homeOf(peers, digests.get(i));
        if (before.get(i).equals(leaving)) {
          assertThat(after).isNotEqualTo(leaving);
        } else {
          assertThat(after).as("blob %d kept its home", i).isEqualTo(before.get(i));
        }
      }
    }
  }

  @Test
  void homes_areTheMembersRankedAboveThisAgent_inOrder_andOneThatFailedGivesWayToTheNext()
      throws Exception {
    HostPort self = hp("10.0.0.1:5052");
    List<HostPort> all = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      all.add(hp("10.0.0." + i + ":5052"));
    }
    try (Peers peers =
        new Peers(self, all, Optional.empty(), Duration.ofSeconds(10), Clock.systemUTC())) {
      // A blob this agent ranks fourth for: three members are its homes before this agent.
      Digest d = null;
      for (int i = 0; d == null; i++) {
        Digest candidate = Digest.sha256Of(("blob " + i).getBytes(StandardCharsets.UTF_8));
        if (peers.ranking(candidate).indexOf(self) == 3) {
          d = candidate;
        }
      }
      List<HostPort> ranking = peers.ranking(d);
      assertThat(addresses(peers.homes(d, 5))).containsExactlyElementsOf(ranking.subList(0, 3));
      assertThat(addresses(peers.homes(d, 2))).containsExactlyElementsOf(ranking.subList(0, 2));

      peers.markDown(peers.client(ranking.get(0)).orElseThrow());
      assertThat(addresses(peers.homes(d, 5))).containsExactlyElementsOf(ranking.subList(1, 3));
      assertThat(homeOf(peers, d)).isEqualTo(ranking.get(1));

      Digest mine = null;
      for (int i = 0; mine == null; i++) {
        Digest candidate = Digest.sha256Of(("other " + i).getBytes(StandardCharsets.UTF_8));
        if (peers.ranking(candidate).get(0).equals(self)) {
          mine = candidate;
        }
      }
      assertThat(peers.homes(mine, 3)).as("this agent is the home").isEmpty();
    }
  }

  private static List<HostPort> addresses(List<PeerClient> clients) {
    return clients.stream().map(PeerClient::address).toList();
  }

  private static HostPort homeOf(Peers peers, Digest d) {
    Optional<PeerClient> home = peers.home(d);
    return home.map(PeerClient::address).orElse(peers.self());
  }
}
