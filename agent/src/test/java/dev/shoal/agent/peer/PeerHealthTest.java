package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.config.PeerConfig;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness by gRPC health checks: a member that stops answering leaves source choice and home
 * ranking within a bound, with no transfer failing first, and comes back once it answers again.
 */
class PeerHealthTest {
  private static final Duration INTERVAL = Duration.ofMillis(300);

  /** Down or back within a few probe rounds; generous for a loaded 2-core machine. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path dir;
  private final List<AgentMain> agents = new ArrayList<>();
  private List<HostPort> ports;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    ports = FreePorts.take(3).stream().map(p -> new HostPort("127.0.0.1", p)).toList();
    for (int i = 0; i < 3; i++) {
      agents.add(start(i));
    }
  }

  @AfterEach
  void stop() {
    agents.forEach(AgentMain::close);
  }

  @Test
  void aMemberThatStops_leavesWithinABound_andComesBackAfterItRestarts() throws Exception {
    AgentMain a = agents.get(0);
    await().atMost(BOUND).until(() -> metric(a, "shoal_agent_peers_answering") == 2);
    HostPort c = ports.get(2);
    Digest homedOnC = digestWhoseHomeIs(a.peers(), c);
    assertThat(homeOf(a.peers(), homedOnC)).isEqualTo(c);

    agents.get(2).close();
    agents.remove(2);
    await().atMost(BOUND).until(() -> !liveAddresses(a).contains(c));
    // Its blobs have moved to the next member in rank, before any transfer tried it.
    assertThat(homeOf(a.peers(), homedOnC)).isNotEqualTo(c);
    assertThat(metric(a, "shoal_agent_peers_answering")).isLessThanOrEqualTo(1);
    assertThat(metric(a, "shoal_agent_peers")).isEqualTo(2);

    agents.add(start(2)); // the same address and data, as after a reboot
    await().atMost(BOUND).until(() -> metric(a, "shoal_agent_peers_answering") == 2);
    assertThat(liveAddresses(a)).contains(c);
    assertThat(homeOf(a.peers(), homedOnC)).isEqualTo(c);
  }

  @Test
  @SuppressWarnings("try") // the probe runs while open; the body only watches its effect
  void aMemberThatAcceptsConnectionsButNeverAnswers_isDownAfterTheDeadline() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Peers peers =
            new Peers(
                new HostPort("127.0.0.1", 1),
                List.of(new HostPort("127.0.0.1", silent.getLocalPort())),
                Optional.empty(),
                Duration.ofSeconds(10),
                Clock.systemUTC())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // and never a byte back
                  }
                } catch (IOException e) {
                  // closed at the end of the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      assertThat(peers.live()).hasSize(1); // not probed yet: counted in
      try (HealthProbe probe = new HealthProbe(peers, INTERVAL, timer)) {
        await().atMost(BOUND).until(() -> peers.live().isEmpty());
        assertThat(peers.answering()).isZero();
        assertThat(accepted).isNotEmpty();
      }
    } finally {
      timer.shutdownNow();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  @SuppressWarnings("try") // the probe runs while open; the body only watches its effect
  void aMemberWhoseProbesTimeOutWhileItSendsOtherAnswers_staysUp_untilItGoesQuiet()
      throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    // Health answers that never come (as behind a full link), and Have answers that do.
    io.grpc.BindableService slowHealth =
        new io.grpc.health.v1.HealthGrpc.HealthImplBase() {
          @Override
          public void check(
              io.grpc.health.v1.HealthCheckRequest request,
              io.grpc.stub.StreamObserver<io.grpc.health.v1.HealthCheckResponse> response) {
            // never answers: the probe's deadline passes
          }
        };
    io.grpc.BindableService answersHave =
        new dev.shoal.proto.peer.v1.PeerGrpc.PeerImplBase() {
          @Override
          public void have(
              dev.shoal.proto.peer.v1.HaveRequest request,
              io.grpc.stub.StreamObserver<dev.shoal.proto.peer.v1.HaveResponse> response) {
            response.onNext(dev.shoal.proto.peer.v1.HaveResponse.getDefaultInstance());
            response.onCompleted();
          }
        };
    try (dev.shoal.agent.grpc.GrpcServer busy =
            dev.shoal.agent.grpc.GrpcServer.start(
                "test",
                new HostPort("127.0.0.1", 0),
                List.of(slowHealth, answersHave),
                1 << 20,
                Optional.empty());
        Peers peers =
            new Peers(
                new HostPort("127.0.0.1", 1),
                List.of(busy.address()),
                Optional.empty(),
                Duration.ofSeconds(10),
                Clock.systemUTC());
        HealthProbe probe = new HealthProbe(peers, INTERVAL, timer)) {
      PeerClient member = peers.all().get(0);
      dev.shoal.proto.peer.v1.HaveRequest ask =
          dev.shoal.proto.peer.v1.HaveRequest.newBuilder()
              .setDigest("sha256:" + "0".repeat(64))
              .build();
      // Well past MISSES probes, every one timing out, while the member answers other calls.
      long until = System.nanoTime() + INTERVAL.multipliedBy(HealthProbe.MISSES * 4L).toNanos();
      while (System.nanoTime() < until) {
        member.blocking(Duration.ofSeconds(5)).have(ask);
        assertThat(peers.live()).as("a member answering other calls").hasSize(1);
        Thread.sleep(50);
      }
      // Quiet now: its probes count as misses again.
      await().atMost(PeerClient.RECENTLY.plus(BOUND)).until(() -> peers.live().isEmpty());
    } finally {
      timer.shutdownNow();
    }
  }

  private AgentMain start(int i) throws IOException {
    return AgentMain.start(
        AgentConfig.defaults(dir.resolve("agent" + i))
            .withMirror(MirrorConfig.defaults().withListen(new HostPort("127.0.0.1", 0)))
            .withControl(new ControlConfig(new HostPort("127.0.0.1", 0)))
            .withPeer(
                PeerConfig.defaults()
                    .withListen(ports.get(i))
                    .withPeers(ports)
                    .withPlaintext(true)
                    .withHealthInterval(INTERVAL)),
        Clock.systemUTC());
  }

  private static List<HostPort> liveAddresses(AgentMain agent) {
    return agent.peers().live().stream().map(PeerClient::address).toList();
  }

  private static HostPort homeOf(Peers peers, Digest d) {
    return peers.home(d).map(PeerClient::address).orElse(peers.self());
  }

  private static Digest digestWhoseHomeIs(Peers peers, HostPort member) {
    for (int i = 0; ; i++) {
      Digest d = Digest.sha256Of(("blob " + i).getBytes(StandardCharsets.UTF_8));
      if (peers.ranking(d).get(0).equals(member)) {
        return d;
      }
    }
  }

  private long metric(AgentMain agent, String name) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(agent.uri() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body()
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in /metrics"));
  }
}
