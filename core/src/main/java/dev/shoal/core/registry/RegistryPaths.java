package dev.shoal.core.registry;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.reference.ImageReference;
import java.net.URI;

/**
 * Checks names before any request (a bad one raises an exception quoting it) and builds the {@code
 * /v2/} URLs of the distribution spec's endpoints. Checked names need no escaping in a path.
 */
final class RegistryPaths {
  private final URI base;

  RegistryPaths(URI base) {
    this.base = base;
  }

  /** The repository name, checked by the spec's grammar. */
  static String repo(String repo) {
    return ImageReference.validateRepositoryName(repo);
  }

  /** A tag, or a digest when it has a colon (tags cannot). */
  static String reference(String reference) {
    java.util.Objects.requireNonNull(reference, "reference");
    return reference.indexOf(':') >= 0
        ? Digest.parse(reference).toString()
        : ImageReference.validateTag(reference);
  }

  URI ping() {
    return base.resolve("/v2/");
  }

  URI manifest(String repo, String reference) {
    return base.resolve("/v2/" + repo(repo) + "/manifests/" + reference(reference));
  }

  URI blob(String repo, Digest digest) {
    return base.resolve("/v2/" + repo(repo) + "/blobs/" + digest);
  }

  URI uploads(String repo, String query) {
    return base.resolve(
        "/v2/" + repo(repo) + "/blobs/uploads/" + (query.isEmpty() ? "" : "?" + query));
  }

  URI tags(String repo, int pageSize) {
    return base.resolve(
        "/v2/" + repo(repo) + "/tags/list" + (pageSize > 0 ? "?n=" + pageSize : ""));
  }

  /** {@code uri} with one more query parameter (values here need no escaping: digests, names). */
  static URI withQuery(URI uri, String param) {
    String s = uri.toString();
    return URI.create(s + (uri.getRawQuery() == null ? "?" : "&") + param);
  }
}
