package dev.shoal.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the {@code auths} section of a Docker {@code config.json}: per host either
 * {@code auth} (base64 of {@code user:password}) or {@code username} and {@code password}.
 *
 * <p>Keys may be written as URLs ({@code https://host:5000/v2/}); Docker Hub's keys {@code
 * https://index.docker.io/v1/}, {@code index.docker.io} and {@code registry-1.docker.io} all mean
 * {@code docker.io}. Not understood, and ignored: {@code identitytoken} (an OAuth2 refresh token,
 * which needs the POST token flow), {@code credsStore} and {@code credHelpers} (external programs).
 */
final class DockerConfigCredentials implements Credentials {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, UsernamePassword> byHost;

  private DockerConfigCredentials(Map<String, UsernamePassword> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  static DockerConfigCredentials read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException("docker config " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("docker config " + file + ": not a JSON object");
    }
    Map<String, UsernamePassword> byHost = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.path("auths").properties()) {
      UsernamePassword up = entry(file, entry.getKey(), entry.getValue());
      if (up != null) {
        byHost.put(normaliseHost(entry.getKey()), up);
      }
    }
    return new DockerConfigCredentials(byHost);
  }

  @Override
  public Optional<UsernamePassword> lookup(String registryHost) {
    return Optional.ofNullable(byHost.get(normaliseHost(registryHost)));
  }

  private static UsernamePassword entry(Path file, String key, JsonNode node) throws IOException {
    String auth = node.path("auth").asText("");
    if (!auth.isEmpty()) {
      String pair;
      try {
        pair = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "docker config " + file + ": auths." + key + ".auth is not base64 of user:password", e);
      }
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IOException(
            "docker config " + file + ": auths." + key + ".auth has no ':' (expected: user:pass)");
      }
      return new UsernamePassword(pair.substring(0, colon), pair.substring(colon + 1));
    }
    String user = node.path("username").asText("");
    if (!user.isEmpty()) {
      return new UsernamePassword(user, node.path("password").asText(""));
    }
    // Only an identitytoken, or an empty entry that a credsStore fills: nothing usable here.
    return null;
  }

  /** {@code host[:port]}, lowercased, without scheme or path; Docker Hub's aliases are one name. */
  static String normaliseHost(String key) {
    String s = key.strip().toLowerCase(Locale.ROOT);
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      s = s.substring(scheme + 3);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    if (s.equals("index.docker.io") || s.equals("registry-1.docker.io")) {
      return "docker.io";
    }
    return s;
  }
}
