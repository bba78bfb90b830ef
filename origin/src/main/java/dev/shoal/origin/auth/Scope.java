package dev.shoal.origin.auth;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A resource scope of the Docker token spec ("Token Scope Documentation"): {@code
 * repository:samalba/my-app:pull,push}. The name sits between the first and the last colon, so a
 * name with a registry host and port still parses.
 */
public record Scope(String type, String name, Set<Action> actions) {
  public static final String REPOSITORY = "repository";
  public static final String REGISTRY = "registry";
  public static final String CATALOG = "catalog";

  public Scope {
    requireNonNull(type, "type");
    requireNonNull(name, "name");
    if (type.isEmpty() || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '"')) {
      throw new IllegalArgumentException("scope name: " + name + " (expected: a repository name)");
    }
    actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
  }

  public static Scope repository(String name, Set<Action> actions) {
    return new Scope(REPOSITORY, name, actions);
  }

  /**
   * {@code registry:catalog:*}, which listing the repositories ({@code GET /v2/_catalog}) needs;
   * its one action, {@code *}, is implied.
   */
  public static Scope catalog() {
    return new Scope(REGISTRY, CATALOG, Set.of());
  }

  public boolean isCatalog() {
    return type.equals(REGISTRY) && name.equals(CATALOG);
  }

  /** Parses {@code type:name:action,action}; actions this registry never grants are dropped. */
  public static Scope parse(String s) {
    requireNonNull(s, "s");
    int first = s.indexOf(':');
    int last = s.lastIndexOf(':');
    if (first <= 0 || last == first) {
      throw new IllegalArgumentException(
          "scope: " + s + " (expected: repository:NAME:ACTION[,ACTION...])");
    }
    Set<Action> actions = EnumSet.noneOf(Action.class);
    for (String a : s.substring(last + 1).split(",")) {
      Action.parse(a.trim()).ifPresent(actions::add);
    }
    return new Scope(s.substring(0, first), s.substring(first + 1, last), actions);
  }

  /** The spec's text form; actions in the order pull, push, delete. */
  @Override
  public String toString() {
    if (isCatalog()) {
      return REGISTRY + ":" + CATALOG + ":*";
    }
    return type
        + ":"
        + name
        + ":"
        + EnumSet.allOf(Action.class).stream()
            .filter(actions::contains)
            .map(Action::wireName)
            .collect(Collectors.joining(","));
  }
}
