package dev.shoal.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.agent.config.PeerTlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the peer port's TLS files: clear errors at start, and renewals taken while running. */
class FleetTlsTest {
  @TempDir static Path certs;
  private static FleetCerts fleet;
  private static FleetCerts other;

  @TempDir Path dir;

  @BeforeAll
  static void makeCertificates() throws Exception {
    fleet = FleetCerts.make(certs.resolve("fleet"), "agent-a", "agent-b");
    other = FleetCerts.make(certs.resolve("other"), "agent-a");
  }

  @Test
  void filesFromTheScript_load() throws Exception {
    FleetTls tls = FleetTls.load(fleet.files("agent-a"));
    assertThat(tls.serverContext().isServer()).isTrue();
    assertThat(tls.clientContext().isClient()).isTrue();
  }

  @Test
  void missingFile_namesTheSettingAndTheFile() {
    PeerTlsConfig files =
        new PeerTlsConfig(dir.resolve("nope.crt"), fleet.cert("agent-a"), fleet.key("agent-a"));
    assertThatThrownBy(() -> FleetTls.load(files))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("peer.tls.ca " + dir.resolve("nope.crt") + ": cannot read");
  }

  @Test
  void keyOfAnotherCertificate_isRefused() {
    PeerTlsConfig files =
        new PeerTlsConfig(fleet.ca(), fleet.cert("agent-a"), fleet.key("agent-b"));
    assertThatThrownBy(() -> FleetTls.load(files))
        .hasMessage(
            "peer.tls.key " + fleet.key("agent-b") + ": does not belong to the certificate");
  }

  @Test
  void certificateTheFleetCaDidNotSign_isRefused() {
    PeerTlsConfig files =
        new PeerTlsConfig(fleet.ca(), other.cert("agent-a"), other.key("agent-a"));
    assertThatThrownBy(() -> FleetTls.load(files))
        .hasMessageStartingWith(
            "peer.tls.cert "
                + other.cert("agent-a")
                + ": not accepted by the fleet CA in "
                + fleet.ca());
  }

  @Test
  void pkcs1Key_isRefusedSayingHowToConvertIt() throws Exception {
    Path key = dir.resolve("rsa.key");
    Files.writeString(
        key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    PeerTlsConfig files = new PeerTlsConfig(fleet.ca(), fleet.cert("agent-a"), key);
    assertThatThrownBy(() -> FleetTls.load(files))
        .hasMessageContaining("peer.tls.key " + key + ": no PKCS#8 key")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void reload_takesRenewedFiles_andKeepsTheOldOnesWhenTheNewAreBroken() throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    copy(fleet.cert("agent-a"), cert);
    copy(fleet.key("agent-a"), key);
    FleetTls tls = FleetTls.load(new PeerTlsConfig(fleet.ca(), cert, key));
    assertThat(tls.reloadIfChanged()).as("nothing changed").isFalse();
    assertThat(subject(tls)).isEqualTo("CN=agent-a");

    // A renewal, as cert-manager writes it: a new certificate and key from the same CA.
    copy(fleet.cert("agent-b"), cert);
    copy(fleet.key("agent-b"), key);
    assertThat(tls.reloadIfChanged()).isTrue();
    assertThat(subject(tls)).isEqualTo("CN=agent-b");

    // Half a rotation: a certificate whose key has not been written yet.
    copy(fleet.cert("agent-a"), cert);
    assertThat(tls.reloadIfChanged()).isFalse();
    assertThat(subject(tls)).isEqualTo("CN=agent-b");
  }

  private static String subject(FleetTls tls) {
    return tls.certificate().getSubjectX500Principal().getName();
  }

  private static void copy(Path from, Path to) throws IOException {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
