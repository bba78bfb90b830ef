package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.config.PeerTlsConfig;
import dev.shoal.agent.grpc.GrpcServer;
import dev.shoal.agent.tls.FleetCerts;
import dev.shoal.agent.tls.FleetTls;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.HaveRequest;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer port with mTLS, made with {@code deploy/tls/make-certs.sh}: only peers with a
 * certificate the fleet CA signed are served, and agents only talk to servers the fleet CA signed.
 */
class PeerTlsTest {
  private static final byte[] BLOB =
      "a layer only fleet members may read".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256Of(BLOB);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @TempDir static Path certs;
  private static FleetCerts fleet;
  private static FleetCerts rogue;

  @TempDir Path dir;
  private AgentMain agent;
  private HostPort peerPort;

  @BeforeAll
  static void makeCertificates() throws Exception {
    // The agent is dialled at 127.0.0.1 and its certificate names that address, so a client
    // that does match host names (as a stock TLS client does) gets past the server's check too.
    fleet = FleetCerts.make(certs.resolve("fleet"), "127.0.0.1", "agent-b");
    rogue = FleetCerts.make(certs.resolve("rogue"), "agent-b");
  }

  @BeforeEach
  void start() throws Exception {
    agent =
        AgentMain.start(
            AgentConfig.defaults(dir.resolve("agent"))
                .withMirror(MirrorConfig.defaults().withListen(new HostPort("127.0.0.1", 0)))
                .withControl(new ControlConfig(new HostPort("127.0.0.1", 0)))
                .withPeer(
                    PeerConfig.defaults()
                        .withListen(new HostPort("127.0.0.1", 0))
                        .withTls(fleet.files("127.0.0.1"))),
            Clock.systemUTC());
    agent
        .store()
        .put(DIGEST, new ByteArrayInputStream(BLOB), BLOB.length, "application/octet-stream");
    peerPort = agent.peerAddress().orElseThrow();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void aFleetPeer_isServed_evenWithACertificateThatNamesAnotherHost() throws Exception {
    // agent-b's certificate names agent-b, not 127.0.0.1: signed by the fleet CA is enough.
    try (PeerClient b = client(FleetTls.load(fleet.files("agent-b")).clientContext())) {
      assertThat(b.blocking(DEADLINE).have(have()).getHeld()).isTrue();
      assertThat(health(b).serving()).isTrue();
    }
  }

  @Test
  void aPeerWithACertificateFromAnotherCa_isRefusedAtTheHandshake() throws Exception {
    SslContext stranger =
        GrpcSslContexts.forClient()
            .keyManager(rogue.cert("agent-b").toFile(), rogue.key("agent-b").toFile())
            .trustManager(fleet.ca().toFile())
            .build();
    try (PeerClient c = client(stranger)) {
      assertRefusedByTls(c);
    }
  }

  @Test
  void aPeerWithoutAClientCertificate_isRefusedAtTheHandshake() throws Exception {
    SslContext anonymous = GrpcSslContexts.forClient().trustManager(fleet.ca().toFile()).build();
    try (PeerClient c = client(anonymous)) {
      assertRefusedByTls(c);
    }
  }

  @Test
  void aPlaintextPeer_isRefused() {
    try (PeerClient c = new PeerClient(peerPort, Optional.empty())) {
      assertThatThrownBy(() -> c.blocking(DEADLINE).have(have()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void aServerWithACertificateFromAnotherCa_isNotTrustedByTheAgent() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(PeerClient.HEALTH_SERVICE, ServingStatus.SERVING);
    try (GrpcServer impostor =
            GrpcServer.start(
                "test",
                new HostPort("127.0.0.1", 0),
                List.of(health.getHealthService()),
                1 << 20,
                Optional.of(FleetTls.load(rogue.files("agent-b")).serverContext()));
        PeerClient b =
            new PeerClient(
                impostor.address(),
                Optional.of(FleetTls.load(fleet.files("agent-b")).clientContext()))) {
      PeerClient.Health h = health(b);
      assertThat(h.serving()).isFalse();
      assertThat(h.answered()).isFalse();
      assertThat(h.detail()).startsWith("UNAVAILABLE");
    }
  }

  @Test
  void aRenewedCertificate_isPresentedOnNewConnections_withoutARestart() throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(fleet.cert("agent-b"), cert);
    Files.copy(fleet.key("agent-b"), key);
    FleetTls renewing = FleetTls.load(new PeerTlsConfig(fleet.ca(), cert, key));
    SslContext clientSide = renewing.clientContext(); // built once, as the agent does

    // A server that notes the certificate each caller presented.
    List<String> callers = new CopyOnWriteArrayList<>();
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(PeerClient.HEALTH_SERVICE, ServingStatus.SERVING);
    ServerInterceptor noteCaller =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            try {
              SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
              X509Certificate presented = (X509Certificate) tls.getPeerCertificates()[0];
              callers.add(presented.getSubjectX500Principal().getName());
            } catch (SSLPeerUnverifiedException e) {
              callers.add("none");
            }
            return next.startCall(call, headers);
          }
        };
    BindableService noted =
        () -> ServerInterceptors.intercept(health.getHealthService(), noteCaller);
    try (GrpcServer server =
        GrpcServer.start(
            "test",
            new HostPort("127.0.0.1", 0),
            List.of(noted),
            1 << 20,
            Optional.of(FleetTls.load(fleet.files("127.0.0.1")).serverContext()))) {
      try (PeerClient before = new PeerClient(server.address(), Optional.of(clientSide))) {
        assertThat(health(before).serving()).isTrue();
      }
      // cert-manager renews: new files in place (here another certificate of the fleet).
      Files.copy(fleet.cert("127.0.0.1"), cert, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(fleet.key("127.0.0.1"), key, StandardCopyOption.REPLACE_EXISTING);
      assertThat(renewing.reloadIfChanged()).isTrue();
      try (PeerClient after = new PeerClient(server.address(), Optional.of(clientSide))) {
        assertThat(health(after).serving()).isTrue();
      }
    }
    assertThat(callers).containsExactly("CN=agent-b", "CN=127.0.0.1");
  }

  private PeerClient client(SslContext tls) {
    return new PeerClient(peerPort, Optional.of(tls));
  }

  private static HaveRequest have() {
    return HaveRequest.newBuilder().setDigest(DIGEST.toString()).build();
  }

  private static PeerClient.Health health(PeerClient c) throws Exception {
    CompletableFuture<PeerClient.Health> answer = new CompletableFuture<>();
    c.checkHealth(DEADLINE, false, answer::complete);
    return answer.get(10, TimeUnit.SECONDS);
  }

  private static void assertRefusedByTls(PeerClient c) {
    assertThatThrownBy(() -> c.blocking(DEADLINE).have(have()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e).hasRootCauseInstanceOf(SSLException.class);
            });
  }
}
