package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The origin's HS256 signing keys (DESIGN.md, S1: "the origin keeps its signing key secret"), one
 * owner-only file per key in {@code <data>/auth/keys/}. The newest key signs; older keys only
 * verify, until every token they signed has expired.
 *
 * <p>A key file is named {@code <seq>-<created epoch millis>.key} and holds 32 random bytes; its
 * name without the suffix is the key id ({@code kid}). The sequence number orders keys even when
 * two are made in the same millisecond.
 */
public final class SigningKeys {
  static final int KEY_BYTES = 32;
  private static final Pattern NAME = Pattern.compile("(\\d{1,9})-(\\d{1,19})\\.key");

  /** One key: its id, its place in the order of creation, when it was made, and the secret. */
  record Key(String kid, int seq, Instant created, SecretKey secret) {}

  /**
   * What may be shown of a key: its id, when it was made, and whether it signs new tokens (else it
   * only verifies tokens signed before the next key was made). Never the secret.
   */
  public record Info(String kid, Instant created, boolean signing) {
    public Info {
      requireNonNull(kid, "kid");
      requireNonNull(created, "created");
    }
  }

  private final Path dir;
  private final Duration retention;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  // Oldest first; replaced whole under `this`, read without a lock.
  private volatile List<Key> keys;

  private SigningKeys(Path dir, Duration retention, Clock clock, List<Key> keys) {
    this.dir = dir;
    this.retention = retention;
    this.clock = clock;
    this.keys = keys;
  }

  /**
   * Opens the keys in {@code dir}, making the first one if there is none. Keys retired longer ago
   * than {@code retention} (at least the longest token lifetime plus clock skew) are deleted at the
   * next {@link #rotate}.
   *
   * @throws java.nio.file.AccessDeniedException if a key file is readable by group or others
   */
  public static SigningKeys open(Path dir, Duration retention, Clock clock) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(retention, "retention");
    requireNonNull(clock, "clock");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention: " + retention + " (expected: > 0)");
    }
    SecureFiles.privateDirectory(dir);
    List<Key> keys = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.key")) {
      for (Path file : files) {
        keys.add(read(file));
      }
    }
    keys.sort(Comparator.comparingInt(Key::seq));
    SigningKeys signingKeys = new SigningKeys(dir, retention, clock, List.copyOf(keys));
    if (keys.isEmpty()) {
      signingKeys.create(1);
    }
    return signingKeys;
  }

  private static Key read(Path file) throws IOException {
    String name = file.getFileName().toString();
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      throw new IOException(
          "signing key file " + file + ": bad name (expected: <seq>-<epoch millis>.key)");
    }
    SecureFiles.requireOwnerOnly(file);
    byte[] secret = Files.readAllBytes(file);
    if (secret.length != KEY_BYTES) {
      throw new IOException(
          "signing key file "
              + file
              + ": "
              + secret.length
              + " bytes (expected: "
              + KEY_BYTES
              + ")");
    }
    return new Key(
        name.substring(0, name.length() - ".key".length()),
        Integer.parseInt(m.group(1)),
        Instant.ofEpochMilli(Long.parseLong(m.group(2))),
        new SecretKeySpec(secret, "HmacSHA256"));
  }

  /** The id of the key that signs new tokens. */
  public String currentKid() {
    return current().kid();
  }

  /** The ids of every key that still verifies, oldest first. */
  public List<String> kids() {
    return keys.stream().map(Key::kid).toList();
  }

  /** Every key that still verifies, oldest first; the last one signs. */
  public List<Info> list() {
    List<Key> k = keys;
    List<Info> out = new ArrayList<>(k.size());
    for (int i = 0; i < k.size(); i++) {
      out.add(new Info(k.get(i).kid(), k.get(i).created(), i == k.size() - 1));
    }
    return out;
  }

  /**
   * Makes a new key that signs from now on, keeps the previous ones for verification, and deletes
   * those retired longer than the retention ago. Returns the new key's id.
   */
  public synchronized String rotate() throws IOException {
    List<Key> before = keys;
    Key made = create(before.get(before.size() - 1).seq() + 1);
    Instant cutoff = clock.instant().minus(retention);
    List<Key> kept = new ArrayList<>();
    List<Key> all = keys;
    for (int i = 0; i < all.size(); i++) {
      Key k = all.get(i);
      // A key stopped signing when its successor was made; its tokens expire by then + lifetime.
      boolean expired = i + 1 < all.size() && all.get(i + 1).created().isBefore(cutoff);
      if (expired) {
        Files.deleteIfExists(file(k));
      } else {
        kept.add(k);
      }
    }
    if (kept.size() != all.size()) {
      SecureFiles.syncDirectory(dir);
      keys = List.copyOf(kept);
    }
    return made.kid();
  }

  Key current() {
    List<Key> k = keys;
    return k.get(k.size() - 1);
  }

  Optional<Key> find(String kid) {
    for (Key k : keys) {
      if (k.kid().equals(kid)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  private synchronized Key create(int seq) throws IOException {
    byte[] secret = new byte[KEY_BYTES];
    random.nextBytes(secret);
    // Milliseconds, as in the file name: the same creation time before and after a restart.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String kid = seq + "-" + now.toEpochMilli();
    Key key = new Key(kid, seq, now, new SecretKeySpec(secret, "HmacSHA256"));
    SecureFiles.writeAtomically(file(key), secret);
    List<Key> next = new ArrayList<>(keys);
    next.add(key);
    keys = List.copyOf(next);
    return key;
  }

  private Path file(Key k) {
    return dir.resolve(k.kid() + ".key");
  }
}
