package dev.shoal.origin.api;

import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.HttpError;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * The registry API's error answers (OCI Distribution Specification v1.1, "Error Codes"), as {@link
 * HttpError}s a handler throws.
 */
final class ApiErrors {
  private ApiErrors() {}

  static HttpError of(HttpResponseStatus status, String code, String message) {
    return RegistryErrors.httpError(status, code, message);
  }

  static HttpError nameInvalid(String message) {
    return of(HttpResponseStatus.BAD_REQUEST, "NAME_INVALID", message);
  }

  static HttpError nameUnknown(String repository) {
    return of(
        HttpResponseStatus.NOT_FOUND,
        "NAME_UNKNOWN",
        "repository name not known to registry: " + repository);
  }

  static HttpError blobUnknown(String what) {
    return of(HttpResponseStatus.NOT_FOUND, "BLOB_UNKNOWN", "blob unknown to registry: " + what);
  }

  static HttpError manifestUnknown(String what) {
    return of(HttpResponseStatus.NOT_FOUND, "MANIFEST_UNKNOWN", "manifest unknown: " + what);
  }

  static HttpError digestInvalid(String message) {
    return of(HttpResponseStatus.BAD_REQUEST, "DIGEST_INVALID", message);
  }

  static HttpError manifestInvalid(String message) {
    return of(HttpResponseStatus.BAD_REQUEST, "MANIFEST_INVALID", message);
  }

  static HttpError manifestBlobUnknown(String message) {
    return of(HttpResponseStatus.BAD_REQUEST, "MANIFEST_BLOB_UNKNOWN", message);
  }

  static HttpError uploadUnknown(String id) {
    return of(
        HttpResponseStatus.NOT_FOUND,
        "BLOB_UPLOAD_UNKNOWN",
        "blob upload unknown to registry: " + id);
  }

  static HttpError uploadInvalid(HttpResponseStatus status, String message) {
    return of(status, "BLOB_UPLOAD_INVALID", message);
  }

  static HttpError sizeInvalid(String message) {
    return of(HttpResponseStatus.BAD_REQUEST, "SIZE_INVALID", message);
  }

  /**
   * 409 {@code DENIED}: deleting a manifest that an image index of its repository still references
   * is refused. The spec has no error code of its own for this, and its list of codes is closed, so
   * this is the code a client already shows as "refused"; 409 Conflict (RFC 9110, 15.5.10) says the
   * refusal comes from the repository's state and ends once the index is deleted. Registries that
   * keep manifest metadata in a database answer the same way (GitLab's container registry answers
   * 409; ECR refuses with "image referenced by manifest list"), where CNCF distribution, which
   * keeps no such index, deletes the child and leaves the index unpullable.
   */
  static HttpError manifestReferenced(String manifest, List<String> indexes) {
    String message =
        "manifest "
            + manifest
            + " is referenced by image index "
            + String.join(", ", indexes)
            + " in this repository; delete the index first";
    return new HttpError(
        "DENIED: " + message,
        () ->
            RegistryErrors.error(
                HttpResponseStatus.CONFLICT,
                "DENIED",
                message,
                Map.of("referencedBy", String.join(",", indexes))));
  }

  static HttpError unsupported(String message) {
    return of(HttpResponseStatus.METHOD_NOT_ALLOWED, "UNSUPPORTED", message);
  }

  static HttpError tooLarge(String message) {
    return of(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "MANIFEST_INVALID", message);
  }

  static HttpError rangeInvalid(String message) {
    return of(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "BLOB_UPLOAD_INVALID", message);
  }
}
