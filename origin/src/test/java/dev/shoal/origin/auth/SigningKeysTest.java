package dev.shoal.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.testing.MutableClock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private final Duration retention = Duration.ofHours(12);

  private List<Path> keyFiles(Path keys) throws Exception {
    try (var s = Files.list(keys)) {
      return s.filter(p -> p.toString().endsWith(".key")).sorted().toList();
    }
  }

  @Test
  void open_createsOneOwnerOnlyKeyOf32RandomBytes() throws Exception {
    Path keysDir = dir.resolve("auth/keys");
    SigningKeys keys = SigningKeys.open(keysDir, retention, clock);

    List<Path> files = keyFiles(keysDir);
    assertThat(files).hasSize(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysDir)))
        .isEqualTo("rwx------");
    assertThat(Files.readAllBytes(files.get(0))).hasSize(32).isNotEqualTo(new byte[32]);
    assertThat(files.get(0).getFileName().toString()).isEqualTo(keys.currentKid() + ".key");

    // The same key after a restart.
    assertThat(SigningKeys.open(keysDir, retention, clock).currentKid())
        .isEqualTo(keys.currentKid());
  }

  @Test
  void open_refusesAKeyFileOthersCanRead() throws Exception {
    Path keysDir = dir.resolve("keys");
    SigningKeys.open(keysDir, retention, clock);
    Path file = keyFiles(keysDir).get(0);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    assertThatThrownBy(() -> SigningKeys.open(keysDir, retention, clock))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("rw-r-----")
        .hasMessageContaining("expected: rw-------");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
    assertThatThrownBy(() -> SigningKeys.open(keysDir, retention, clock))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void open_refusesATruncatedKey() throws Exception {
    Path keysDir = dir.resolve("keys");
    SigningKeys.open(keysDir, retention, clock);
    Files.write(keyFiles(keysDir).get(0), new byte[5]);

    assertThatThrownBy(() -> SigningKeys.open(keysDir, retention, clock))
        .hasMessageContaining("5 bytes (expected: 32)");
  }

  @Test
  void rotate_keepsOldKeysForTheRetentionThenDeletesThem() throws Exception {
    Path keysDir = dir.resolve("keys");
    SigningKeys keys = SigningKeys.open(keysDir, retention, clock);
    String first = keys.currentKid();

    String second = keys.rotate();
    assertThat(second).isNotEqualTo(first);
    assertThat(keys.currentKid()).isEqualTo(second);
    assertThat(keys.kids()).containsExactly(first, second);

    clock.advance(retention.minusSeconds(1));
    keys.rotate();
    assertThat(keys.kids()).contains(first).hasSize(3);

    clock.advance(Duration.ofSeconds(2));
    String fourth = keys.rotate();
    assertThat(keys.kids()).doesNotContain(first).contains(second).endsWith(fourth);
    assertThat(keyFiles(keysDir)).hasSize(3).noneMatch(p -> p.toString().contains(first));
    assertThat(SigningKeys.open(keysDir, retention, clock).kids()).isEqualTo(keys.kids());
  }

  @Test
  void list_showsEveryKeyWithItsCreationTimeAndOnlyTheNewestSigns() throws Exception {
    SigningKeys keys = SigningKeys.open(dir.resolve("keys"), retention, clock);
    String first = keys.currentKid();
    clock.advance(Duration.ofMinutes(7));
    String second = keys.rotate();

    assertThat(keys.list())
        .containsExactly(
            new SigningKeys.Info(first, clock.instant().minus(Duration.ofMinutes(7)), false),
            new SigningKeys.Info(second, clock.instant(), true));
  }
}
