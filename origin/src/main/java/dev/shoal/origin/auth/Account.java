package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * An account of the origin. A {@code user} named {@code alice} owns every repository below {@code
 * alice/}; an {@code admin} may do anything.
 */
public record Account(String name, Role role) {
  // One path component of a repository name (OCI distribution spec, "Pulling manifests"), so that
  // the account's namespace `name/...` is a valid repository prefix.
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  public Account {
    requireNonNull(name, "name");
    requireNonNull(role, "role");
    checkName(name);
  }

  static String checkName(String name) {
    if (name.length() > 64 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "account name: "
              + name
              + " (expected: at most 64 of a-z 0-9, separated by . _ __ or -, like a repository"
              + " path component)");
    }
    return name;
  }

  /** True if {@code repository} is in this account's namespace ({@code name/...}). */
  public boolean owns(String repository) {
    return repository.startsWith(name + "/");
  }
}
