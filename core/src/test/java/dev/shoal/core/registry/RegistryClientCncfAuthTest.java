package dev.shoal.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.CncfRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic authentication against the real CNCF registry with an htpasswd file. */
class RegistryClientCncfAuthTest {
  @TempDir static Path dir;
  private static CncfRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    CncfRegistry.assumeInstalledWithHtpasswd();
    registry = CncfRegistry.start(dir, "alice", "s3cret");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static RegistryClient client(Credentials credentials) {
    return RegistryClient.builder(registry.baseUri()).credentials(credentials).build();
  }

  private static String host() {
    return "127.0.0.1:" + registry.baseUri().getPort();
  }

  @Test
  void rightCredentials_pushAndPull() throws Exception {
    RegistryClient client = client(Credentials.of(host(), "alice", "s3cret"));
    client.ping();
    byte[] blob = "authorised".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256Of(blob);
    client.pushBlob("private/app", d, blob.length, new java.io.ByteArrayInputStream(blob));
    assertThat(client.blobExists("private/app", d)).hasValue(blob.length);
  }

  @Test
  void wrongPassword_isUnauthorized() {
    RegistryClient client = client(Credentials.of(host(), "alice", "wrong"));
    assertThatThrownBy(client::ping)
        .isInstanceOfSatisfying(
            UnauthorizedException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void noCredentials_isUnauthorized_withTheOciCode() {
    RegistryClient client = client(Credentials.none());
    assertThatThrownBy(() -> client.tags("private/app"))
        .isInstanceOfSatisfying(
            UnauthorizedException.class,
            e -> assertThat(e.codes()).containsExactly("UNAUTHORIZED"));
  }
}
