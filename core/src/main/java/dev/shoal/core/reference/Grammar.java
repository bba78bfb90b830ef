package dev.shoal.core.reference;

import static dev.shoal.core.reference.ImageReference.DOCKER_HUB;
import static dev.shoal.core.reference.ImageReference.MAX_NAME_LENGTH;
import static dev.shoal.core.reference.ImageReference.MAX_TAG_LENGTH;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammars of registry hosts, repository names and tags (OCI distribution spec, "Pulling
 * manifests"), and Docker's normalisation of them. Each check returns the problem as the end of a
 * sentence that starts with the quoted input, or null when there is none.
 */
final class Grammar {
  /** One path component of a repository name, exactly the distribution spec's. */
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  /** DNS name or bracketed IPv6 address, then an optional port; matched after lowercasing. */
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
              + "|\\[[a-f0-9:]*:[a-f0-9:]*\\])(?::([0-9]{1,5}))?");

  private static final int MAX_QUOTED = 80;

  private Grammar() {}

  /**
   * Docker's rule for the first path component: a registry has a dot or a colon, or is localhost.
   */
  static boolean looksLikeRegistry(String component) {
    // A component of dots only is a relative path, refused as such rather than as a bad host.
    boolean dotsOnly = component.chars().allMatch(c -> c == '.');
    return !dotsOnly
        && (component.indexOf('.') >= 0
            || component.indexOf(':') >= 0
            || component.equals("localhost"));
  }

  static String normaliseRegistry(String registry) {
    String host = registry.toLowerCase(Locale.ROOT);
    boolean hubAlias = host.equals("index.docker.io") || host.equals("registry-1.docker.io");
    return hubAlias ? DOCKER_HUB : host;
  }

  static String normaliseRepository(String registry, String repository) {
    boolean official =
        registry.equals(DOCKER_HUB) && !repository.isEmpty() && repository.indexOf('/') < 0;
    return official ? "library/" + repository : repository;
  }

  static String registryProblem(String registry) {
    Matcher m = HOST.matcher(registry);
    if (!m.matches()) {
      return "has an invalid registry host "
          + quote(registry)
          + " (expected: a DNS name or [IPv6 address], with an optional :port)";
    }
    if (m.group(1) != null) {
      int port = Integer.parseInt(m.group(1));
      if (port < 1 || port > 65535) {
        return "has registry port " + port + " (expected: 1 to 65535)";
      }
    }
    return null;
  }

  /** The repository's problem, or else whether {@code registry/repository} is too long. */
  static String nameProblem(String registry, String repository) {
    String problem = repositoryProblem(repository);
    int length = registry.length() + 1 + repository.length();
    if (problem == null && length > MAX_NAME_LENGTH) {
      return "has a name of "
          + length
          + " characters (expected: at most "
          + MAX_NAME_LENGTH
          + " for registry/repository)";
    }
    return problem;
  }

  static String repositoryProblem(String repository) {
    if (repository.isEmpty()) {
      return "has an empty repository name (expected: a name such as library/busybox)";
    }
    String[] components = repository.split("/", -1);
    for (String c : components) {
      if (c.isEmpty()) {
        return "has an empty path component in its repository name (expected: components joined"
            + " by single slashes, none leading or trailing)";
      }
    }
    for (String c : components) {
      if (c.equals(".") || c.equals("..")) {
        return "has a relative path component "
            + quote(c)
            + " in its repository name (expected: no . or .. components)";
      }
    }
    if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
      return "has uppercase letters in its repository name (expected: lowercase a-z, 0-9 and"
          + " separators . _ __ -)";
    }
    for (String c : components) {
      if (!COMPONENT.matcher(c).matches()) {
        return "has an invalid component "
            + quote(c)
            + " in its repository name (expected: lowercase a-z and 0-9, separated by one . or _,"
            + " two _, or any number of -)";
      }
    }
    return null;
  }

  static String tagProblem(String tag) {
    if (tag.isEmpty()) {
      return "has an empty tag (expected: 1 to 128 characters of a-z A-Z 0-9 _ . -)";
    }
    if (tag.length() > MAX_TAG_LENGTH) {
      return "has a tag of "
          + tag.length()
          + " characters (expected: at most "
          + MAX_TAG_LENGTH
          + ")";
    }
    if (!TAG.matcher(tag).matches()) {
      return "has an invalid tag "
          + quote(tag)
          + " (expected: a-z A-Z 0-9 _ . -, not starting with . or -)";
    }
    return null;
  }

  /** Quotes outside input for an error message, cut short so a huge path cannot flood a log. */
  static String quote(String s) {
    String cut = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "…" : s;
    return '"' + cut + '"';
  }
}
