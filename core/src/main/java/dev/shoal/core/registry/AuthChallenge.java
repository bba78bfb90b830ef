package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235 section 4.1): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"}.
 * Quoted values may hold commas and backslash escapes.
 *
 * @param scheme lowercased, e.g. {@code basic} or {@code bearer}
 * @param params parameter names lowercased, values unquoted
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
  public AuthChallenge {
    requireNonNull(scheme, "scheme");
    params = Map.copyOf(params);
  }

  public boolean isBasic() {
    return scheme.equals("basic");
  }

  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  /** A parameter's value, e.g. {@code realm}. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * Parses the first challenge of a header value. Registries send one; a second one, if any, is
   * ignored.
   */
  public static Optional<AuthChallenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String s = header.strip();
    int i = 0;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    String scheme = s.substring(0, i).toLowerCase(Locale.ROOT);
    if (scheme.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    while (i < s.length()) {
      while (i < s.length() && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) {
        i++;
      }
      int nameStart = i;
      while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ',') {
        i++;
      }
      String name = s.substring(nameStart, i).strip().toLowerCase(Locale.ROOT);
      if (i >= s.length() || s.charAt(i) != '=') {
        if (name.contains(" ")) {
          break; // the start of a second challenge: not ours to read
        }
        continue; // a token68 or a bare word: nothing the registry protocol uses
      }
      i++; // '='
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          value.append(s.charAt(i++));
        }
        i++; // closing quote
      } else {
        while (i < s.length() && s.charAt(i) != ',') {
          value.append(s.charAt(i++));
        }
      }
      if (!name.isEmpty()) {
        params.putIfAbsent(name, value.toString().strip());
      }
    }
    return Optional.of(new AuthChallenge(scheme, params));
  }
}
