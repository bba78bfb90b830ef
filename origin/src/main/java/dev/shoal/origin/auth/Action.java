package dev.shoal.origin.auth;

import java.util.Locale;
import java.util.Optional;

/** An action on a repository, as the Docker token spec names it in scopes and access claims. */
public enum Action {
  PULL,
  PUSH,
  DELETE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action named {@code s}; empty for names this registry never grants (like {@code *}). */
  public static Optional<Action> parse(String s) {
    for (Action a : values()) {
      if (a.wireName().equals(s)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
