package dev.shoal.origin.auth;

import java.util.Locale;

/** What an account may do: {@code admin} everything, {@code user} its own namespace. */
public enum Role {
  ADMIN,
  USER;

  /** The name in files and on the command line: {@code admin} or {@code user}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.wireName().equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role: " + s + " (expected: admin or user)");
  }
}
