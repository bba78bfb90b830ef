package dev.shoal.origin.api;

import dev.shoal.core.http.HttpError;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path of the registry API split into the repository name and the endpoint (OCI Distribution
 * Specification v1.1, "Endpoints" end-1 … end-13). Names may contain slashes, so the endpoint is
 * found from the right.
 *
 * @param argument the digest or tag, the upload id, or the subject digest; empty when none
 */
record ApiPath(Kind kind, String repository, String argument) {

  /** Which endpoint family a path belongs to. */
  enum Kind {
    AVAILABILITY,
    BLOB,
    UPLOADS,
    UPLOAD,
    MANIFEST,
    TAGS,
    REFERRERS
  }

  private static final Pattern PATH =
      Pattern.compile(
          "^/v2/(?<name>.+?)/(?:"
              + "(?<uploads>blobs/uploads/?)"
              + "|blobs/uploads/(?<upload>[^/]+)"
              + "|(?<availability>blobs/availability)"
              + "|blobs/(?<blob>[^/]+)"
              + "|manifests/(?<manifest>[^/]+)"
              + "|(?<tags>tags/list)"
              + "|referrers/(?<subject>[^/]+)"
              + ")$");

  /**
   * Parses {@code path}.
   *
   * @throws HttpError NAME_INVALID for a bad repository name, 404 for paths that are no endpoint
   */
  static ApiPath parse(String path) throws HttpError {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw ApiErrors.of(
          io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND,
          "NOT_FOUND",
          "no registry endpoint at " + path);
    }
    String name = m.group("name");
    try {
      ImageReference.validateRepositoryName(name);
    } catch (InvalidReferenceException e) {
      throw ApiErrors.nameInvalid(e.getMessage());
    }
    if (m.group("uploads") != null) {
      return new ApiPath(Kind.UPLOADS, name, "");
    }
    if (m.group("upload") != null) {
      return new ApiPath(Kind.UPLOAD, name, m.group("upload"));
    }
    if (m.group("availability") != null) {
      return new ApiPath(Kind.AVAILABILITY, name, "");
    }
    if (m.group("blob") != null) {
      return new ApiPath(Kind.BLOB, name, m.group("blob"));
    }
    if (m.group("manifest") != null) {
      return new ApiPath(Kind.MANIFEST, name, m.group("manifest"));
    }
    if (m.group("tags") != null) {
      return new ApiPath(Kind.TAGS, name, "");
    }
    return new ApiPath(Kind.REFERRERS, name, m.group("subject"));
  }
}
