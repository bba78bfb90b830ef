package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Repositories anyone may pull without credentials, in {@code <data>/auth/public.json} next to the
 * accounts (same format rules: one small file replaced atomically).
 */
public final class PublicRepositories {
  static final String FILE = "public.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private volatile Set<String> names;

  private PublicRepositories(Path file, Set<String> names) {
    this.file = file;
    this.names = names;
  }

  public static PublicRepositories open(Path authDir) throws IOException {
    SecureFiles.privateDirectory(requireNonNull(authDir, "authDir"));
    Path file = authDir.resolve(FILE);
    Set<String> names = new TreeSet<>();
    if (Files.exists(file)) {
      try {
        JsonNode root = JSON.readTree(file.toFile());
        for (JsonNode n : root.path("repositories")) {
          names.add(n.asText());
        }
      } catch (IOException e) {
        throw new IOException("public repositories file " + file + ": " + e.getMessage(), e);
      }
    }
    return new PublicRepositories(file, Set.copyOf(names));
  }

  public boolean contains(String repository) {
    return names.contains(repository);
  }

  /** The public repositories, sorted. */
  public Set<String> list() {
    return new TreeSet<>(names);
  }

  /** Marks {@code repository} anonymously pullable; false if it already was. */
  public synchronized boolean add(String repository) throws IOException {
    requireNonNull(repository, "repository");
    if (repository.isEmpty() || repository.startsWith("/") || repository.endsWith("/")) {
      throw new IllegalArgumentException("repository: " + repository + " (expected: a name)");
    }
    TreeSet<String> next = new TreeSet<>(names);
    if (!next.add(repository)) {
      return false;
    }
    write(next);
    return true;
  }

  /** Makes {@code repository} private again; false if it was not public. */
  public synchronized boolean remove(String repository) throws IOException {
    TreeSet<String> next = new TreeSet<>(names);
    if (!next.remove(repository)) {
      return false;
    }
    write(next);
    return true;
  }

  private void write(TreeSet<String> next) throws IOException {
    ObjectNode root = JSON.createObjectNode().put("format", 1);
    ArrayNode list = root.putArray("repositories");
    next.forEach(list::add);
    SecureFiles.writeAtomically(
        file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    names = Set.copyOf(next);
  }
}
