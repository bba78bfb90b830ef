package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for one registry. {@link #toString()} does not show the password. */
public record UsernamePassword(String username, String password) {
  public UsernamePassword {
    requireNonNull(username, "username");
    requireNonNull(password, "password");
  }

  /** The value of an {@code Authorization: Basic …} header (RFC 7617). */
  public String basicHeader() {
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "UsernamePassword[username=" + username + ", password=***]";
  }
}
