package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The origin's accounts and their password hashes, in {@code <data>/auth/accounts.json}.
 *
 * <p>Why a JSON file and not RocksDB: there are tens of accounts, changed by hand now and then, and
 * read into memory at start. One owner-only file replaced atomically (temp, fsync, rename) is
 * crash-safe, easy to back up and to inspect, and needs no second database with its own lock and
 * handles next to the metadata store.
 */
public final class Accounts {
  static final String FILE = "accounts.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;
  private static final SecureRandom RANDOM = new SecureRandom();
  // Checked against when the account is unknown, so a wrong name costs as long as a wrong password.
  private static final PasswordHash DECOY = PasswordHash.of("decoy");

  private record Entry(Account account, PasswordHash hash) {}

  private final Path file;
  // Guarded by `this`; replaced whole on every change after the file was written.
  private Map<String, Entry> entries;

  private Accounts(Path file, Map<String, Entry> entries) {
    this.file = file;
    this.entries = entries;
  }

  /** Opens the accounts in {@code authDir}; none if the file does not exist yet. */
  public static Accounts open(Path authDir) throws IOException {
    SecureFiles.privateDirectory(requireNonNull(authDir, "authDir"));
    Path file = authDir.resolve(FILE);
    Map<String, Entry> entries = new TreeMap<>();
    if (Files.exists(file)) {
      SecureFiles.requireOwnerOnly(file);
      entries = parse(file);
    }
    return new Accounts(file, entries);
  }

  /**
   * On the first start (no accounts), creates {@code admin} with the password in {@code
   * SHOAL_ADMIN_PASSWORD}, or with a generated one printed to {@code out} this once. Returns
   * whether it created the account.
   */
  public synchronized boolean bootstrap(Map<String, String> env, PrintStream out)
      throws IOException {
    if (!entries.isEmpty()) {
      return false;
    }
    String given = env.get("SHOAL_ADMIN_PASSWORD");
    boolean generated = given == null || given.isEmpty();
    String password = generated ? generatePassword() : given;
    add("admin", password, Role.ADMIN);
    if (generated) {
      out.println(
          "shoal origin: created account admin with password "
              + password
              + "; change it with ./shoal account");
      out.flush();
    }
    return true;
  }

  /** Adds an account; throws if the name is taken or the password too short. */
  public synchronized Account add(String name, String password, Role role) throws IOException {
    Account account = new Account(name, role);
    if (entries.containsKey(name)) {
      throw new IllegalArgumentException("account " + name + " already exists");
    }
    TreeMap<String, Entry> next = new TreeMap<>(entries);
    next.put(name, new Entry(account, PasswordHash.of(checkPassword(password))));
    commit(next);
    return account;
  }

  /** Every account, by name. */
  public synchronized List<Account> list() {
    return entries.values().stream().map(Entry::account).toList();
  }

  public synchronized Optional<Account> find(String name) {
    return Optional.ofNullable(entries.get(name)).map(Entry::account);
  }

  /** Removes an account; false if there was none. The last admin cannot be removed. */
  public synchronized boolean remove(String name) throws IOException {
    Entry e = entries.get(name);
    if (e == null) {
      return false;
    }
    if (e.account().role() == Role.ADMIN
        && entries.values().stream().filter(x -> x.account().role() == Role.ADMIN).count() == 1) {
      throw new IllegalArgumentException("account " + name + " is the last admin; add another");
    }
    TreeMap<String, Entry> next = new TreeMap<>(entries);
    next.remove(name);
    commit(next);
    return true;
  }

  /** Replaces an account's password; throws if there is no such account. */
  public synchronized void setPassword(String name, String password) throws IOException {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("account " + name + " does not exist");
    }
    TreeMap<String, Entry> next = new TreeMap<>(entries);
    next.put(name, new Entry(e.account(), PasswordHash.of(checkPassword(password))));
    commit(next);
  }

  /** The account if {@code password} is its password; empty for a wrong name or password. */
  public Optional<Account> verify(String name, String password) {
    Entry e;
    synchronized (this) {
      e = entries.get(name);
    }
    // Hash outside the lock: it takes a while on purpose.
    boolean ok = (e == null ? DECOY : e.hash()).matches(password);
    return ok && e != null ? Optional.of(e.account()) : Optional.empty();
  }

  /**
   * A short value that changes whenever the account's password does (derived from the fresh salt),
   * so login tokens issued before a password change stop working; empty for an unknown account.
   */
  synchronized Optional<String> credentialStamp(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      return Optional.empty();
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(e.hash().salt());
      return Optional.of(
          Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(d, 12)));
    } catch (NoSuchAlgorithmException x) {
      // Every Java runtime has SHA-256 (Java Security Standard Names).
      throw new IllegalStateException(x);
    }
  }

  static String generatePassword() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String checkPassword(String password) {
    requireNonNull(password, "password");
    if (password.length() < 8) {
      throw new IllegalArgumentException(
          "password: " + password.length() + " characters (expected: at least 8)");
    }
    return password;
  }

  private void commit(TreeMap<String, Entry> next) throws IOException {
    ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
    ArrayNode list = root.putArray("accounts");
    Base64.Encoder b64 = Base64.getEncoder();
    for (Entry e : next.values()) {
      list.addObject()
          .put("name", e.account().name())
          .put("role", e.account().role().wireName())
          .put("algorithm", "pbkdf2-sha256")
          .put("iterations", e.hash().iterations())
          .put("salt", b64.encodeToString(e.hash().salt()))
          .put("hash", b64.encodeToString(e.hash().hash()));
    }
    SecureFiles.writeAtomically(
        file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    entries = next;
  }

  private static Map<String, Entry> parse(Path file) throws IOException {
    Map<String, Entry> entries = new TreeMap<>();
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || root.path("format").asInt() != FORMAT) {
        throw new IOException(
            "format: "
                + (root == null ? "none" : root.path("format"))
                + " (expected: "
                + FORMAT
                + ")");
      }
      Base64.Decoder b64 = Base64.getDecoder();
      for (JsonNode n : root.path("accounts")) {
        if (!"pbkdf2-sha256".equals(n.path("algorithm").asText())) {
          throw new IOException("algorithm: " + n.path("algorithm") + " (expected: pbkdf2-sha256)");
        }
        Account a = new Account(n.path("name").asText(), Role.parse(n.path("role").asText()));
        PasswordHash h =
            new PasswordHash(
                b64.decode(n.path("salt").asText()),
                n.path("iterations").asInt(),
                b64.decode(n.path("hash").asText()));
        if (entries.put(a.name(), new Entry(a, h)) != null) {
          throw new IOException("account " + a.name() + " appears twice");
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("accounts file " + file + ": " + e.getMessage(), e);
    }
    return entries;
  }
}
