package dev.shoal.agent.mirror;

import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pull path of the registry API: {@code /v2/NAME/manifests/REF} or {@code /v2/NAME/blobs/DIGEST}.
 * Names may contain slashes, so the endpoint is found from the right.
 */
record MirrorPath(boolean manifest, String repository, String reference) {
  private static final Pattern PATH =
      Pattern.compile("^/v2/(?<name>.+?)/(?<kind>manifests|blobs)/(?<ref>[^/]+)$");

  /**
   * @throws HttpError NAME_INVALID for a bad repository name; 404 UNSUPPORTED for paths the
   *     read-only mirror does not serve (uploads, tag lists, referrers)
   */
  static MirrorPath parse(String path) throws HttpError {
    Matcher m = PATH.matcher(path);
    if (!m.matches() || m.group("ref").equals("uploads")) {
      throw RegistryErrors.httpError(
          HttpResponseStatus.NOT_FOUND,
          "UNSUPPORTED",
          "the agent mirror serves pulls of manifests and blobs only, not "
              + path
              + " (push to the registry itself)");
    }
    String name = m.group("name");
    try {
      ImageReference.validateRepositoryName(name);
    } catch (InvalidReferenceException e) {
      throw RegistryErrors.httpError(
          HttpResponseStatus.BAD_REQUEST, "NAME_INVALID", e.getMessage());
    }
    return new MirrorPath(m.group("kind").equals("manifests"), name, m.group("ref"));
  }
}
