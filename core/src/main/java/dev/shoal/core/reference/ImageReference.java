package dev.shoal.core.reference;

import static dev.shoal.core.reference.Grammar.looksLikeRegistry;
import static dev.shoal.core.reference.Grammar.quote;
import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;

/**
 * A reference to an image, {@code registry/repository[:tag][@digest]}, normalised the way Docker
 * normalises names ({@code busybox} is {@code docker.io/library/busybox:latest}). Names and tags
 * follow the OCI distribution spec ("Pulling manifests": the {@code <name>} and {@code <reference>}
 * grammars).
 *
 * <p>The compact constructor normalises too, so two references to the same image are always equal:
 * the registry host is lowercased (DNS names are case-insensitive), Docker Hub's aliases become
 * {@code docker.io}, and a one-component Docker Hub repository gets its {@code library/} prefix.
 *
 * @param registry host with optional port: {@code docker.io}, {@code localhost:5000}, {@code
 *     [::1]:5000}
 * @param repository the repository name, e.g. {@code library/busybox}
 * @param tag the tag, or null when only a digest was given
 * @param digest the digest, or null; when present it decides what is pulled
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

  /** Docker Hub, as references name it. */
  public static final String DOCKER_HUB = "docker.io";

  /** The tag of a reference that names neither a tag nor a digest. */
  public static final String DEFAULT_TAG = "latest";

  /** Longest {@code registry/repository}, as Docker and the distribution spec's clients allow. */
  public static final int MAX_NAME_LENGTH = 255;

  /** Longest tag, by the distribution spec's tag grammar. */
  public static final int MAX_TAG_LENGTH = 128;

  // Name, ':', tag, '@', and the longest digest (sha512): nothing longer can be valid.
  private static final int MAX_INPUT_LENGTH = MAX_NAME_LENGTH + 1 + MAX_TAG_LENGTH + 1 + 7 + 128;

  public ImageReference {
    requireNonNull(registry, "registry");
    requireNonNull(repository, "repository");
    registry = Grammar.normaliseRegistry(registry);
    repository = Grammar.normaliseRepository(registry, repository);
    String problem = Grammar.registryProblem(registry);
    if (problem == null && !looksLikeRegistry(registry)) {
      problem =
          "would be read as a Docker Hub namespace (expected: a host with a dot or a port, or"
              + " localhost)";
    }
    if (problem != null) {
      throw new InvalidReferenceException("registry: " + quote(registry) + " " + problem);
    }
    problem = Grammar.nameProblem(registry, repository);
    if (problem != null) {
      throw new InvalidReferenceException("repository name: " + quote(repository) + " " + problem);
    }
    if (tag != null && (problem = Grammar.tagProblem(tag)) != null) {
      throw new InvalidReferenceException("tag: " + quote(tag) + " " + problem);
    }
    if (tag == null && digest == null) {
      throw new InvalidReferenceException(
          "reference: "
              + quote(registry + "/" + repository)
              + " has neither a tag nor a digest (expected: at least one)");
    }
  }

  /**
   * Parses {@code [registry/]name[:tag][@digest]} with Docker's normalisation: the first path
   * component is a registry when it contains {@code .} or {@code :} or is {@code localhost};
   * otherwise the registry is Docker Hub. Without tag and digest, the tag is {@code latest}.
   *
   * @throws InvalidReferenceException quoting the input and saying what was expected
   */
  public static ImageReference parse(String s) {
    requireNonNull(s, "s");
    if (s.isEmpty()) {
      throw new InvalidReferenceException(
          "reference: empty (expected: [registry/]name[:tag][@digest], e.g. busybox:latest)");
    }
    if (s.length() > MAX_INPUT_LENGTH) {
      throw fail(
          s, "is " + s.length() + " characters long (expected: at most " + MAX_INPUT_LENGTH + ")");
    }
    String rest = s;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (InvalidDigestException e) {
        throw fail(s, "has an invalid digest: " + e.getMessage().replaceFirst("^digest: ", ""));
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0 && looksLikeRegistry(rest.substring(0, slash))) {
      registry = Grammar.normaliseRegistry(rest.substring(0, slash));
      repository = rest.substring(slash + 1);
    }
    String problem = Grammar.registryProblem(registry);
    if (problem == null) {
      problem = Grammar.nameProblem(registry, Grammar.normaliseRepository(registry, repository));
    }
    if (problem == null && tag != null) {
      problem = Grammar.tagProblem(tag);
    }
    if (problem != null) {
      throw fail(s, problem);
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  /**
   * Checks a repository name as it appears in registry API paths ({@code /v2/<name>/…}): the
   * distribution spec's name grammar, at most 255 characters.
   *
   * @return {@code name}, for chaining
   * @throws InvalidReferenceException quoting the name and saying what was expected
   */
  public static String validateRepositoryName(String name) {
    requireNonNull(name, "name");
    String problem = Grammar.repositoryProblem(name);
    if (problem == null && name.length() > MAX_NAME_LENGTH) {
      problem =
          "is " + name.length() + " characters long (expected: at most " + MAX_NAME_LENGTH + ")";
    }
    if (problem != null) {
      throw new InvalidReferenceException("repository name: " + quote(name) + " " + problem);
    }
    return name;
  }

  /**
   * Checks a tag against the distribution spec's {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}.
   *
   * @return {@code tag}, for chaining
   * @throws InvalidReferenceException quoting the tag and saying what was expected
   */
  public static String validateTag(String tag) {
    requireNonNull(tag, "tag");
    String problem = Grammar.tagProblem(tag);
    if (problem != null) {
      throw new InvalidReferenceException("tag: " + quote(tag) + " " + problem);
    }
    return tag;
  }

  /** The full canonical form, e.g. {@code docker.io/library/busybox:latest}. */
  @Override
  public String toString() {
    return repositoryPath() + suffix();
  }

  /**
   * The short form Docker shows, e.g. {@code busybox:latest} or {@code user/app@sha256:…}. It
   * parses back to this reference: {@code docker.io/} is kept when the repository's first component
   * would otherwise be read as a registry (Docker itself drops it and reads a different image).
   */
  public String familiar() {
    if (!registry.equals(DOCKER_HUB)) {
      return toString();
    }
    String path = repository;
    if (path.startsWith("library/") && path.indexOf('/', "library/".length()) < 0) {
      path = path.substring("library/".length());
    }
    int slash = path.indexOf('/');
    if (slash >= 0 && looksLikeRegistry(path.substring(0, slash))) {
      return toString();
    }
    return path + suffix();
  }

  /** {@code registry/repository}, without tag or digest, e.g. {@code docker.io/library/busybox}. */
  public String repositoryPath() {
    return registry + "/" + repository;
  }

  /** What to ask the registry for: the digest when there is one, else the tag. */
  public String pullTarget() {
    return digest != null ? digest.toString() : tag;
  }

  /** This reference with {@code tag}; a digest, if any, is kept. */
  public ImageReference withTag(String tag) {
    return new ImageReference(registry, repository, requireNonNull(tag, "tag"), digest);
  }

  /** This reference with {@code digest}; a tag, if any, is kept. */
  public ImageReference withDigest(Digest digest) {
    return new ImageReference(registry, repository, tag, requireNonNull(digest, "digest"));
  }

  private String suffix() {
    return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  private static InvalidReferenceException fail(String input, String problem) {
    return new InvalidReferenceException("reference: " + quote(input) + " " + problem);
  }
}
