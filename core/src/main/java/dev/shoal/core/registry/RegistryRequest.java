package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One registry call as the {@link Transport} sends it.
 *
 * @param what how errors name the call, e.g. {@code GET manifest app:1.0}
 * @param scopes the token scopes it needs, e.g. {@code repository:app:pull}
 * @param followRedirects whether 3xx answers are followed (GET and HEAD of blobs)
 */
record RegistryRequest(
    String method,
    URI uri,
    Map<String, String> headers,
    RequestBody body,
    List<String> scopes,
    boolean followRedirects,
    String what) {

  RegistryRequest {
    requireNonNull(method, "method");
    requireNonNull(uri, "uri");
    headers = Map.copyOf(headers);
    requireNonNull(body, "body");
    scopes = List.copyOf(scopes);
  }

  static RegistryRequest of(String method, URI uri, List<String> scopes, String what) {
    return new RegistryRequest(method, uri, Map.of(), RequestBody.none(), scopes, false, what);
  }

  RegistryRequest withHeaders(Map<String, String> headers) {
    return new RegistryRequest(method, uri, headers, body, scopes, followRedirects, what);
  }

  RegistryRequest withBody(RequestBody body) {
    return new RegistryRequest(method, uri, headers, body, scopes, followRedirects, what);
  }

  RegistryRequest followingRedirects() {
    return new RegistryRequest(method, uri, headers, body, scopes, true, what);
  }

  /** Pull scope of a repository. */
  static String pullScope(String repo) {
    return "repository:" + repo + ":pull";
  }

  /** Pull and push scope of a repository. */
  static String pushScope(String repo) {
    return "repository:" + repo + ":pull,push";
  }
}
