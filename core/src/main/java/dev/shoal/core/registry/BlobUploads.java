package dev.shoal.core.registry;

import static dev.shoal.core.registry.RegistryRequest.pullScope;
import static dev.shoal.core.registry.RegistryRequest.pushScope;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * Blob uploads, distribution spec "Pushing blobs": monolithic (POST then PUT, or a single POST with
 * {@code ?digest=}) and cross-repository mount. Chunked uploads are {@link ChunkedUpload}.
 */
final class BlobUploads {
  static final String OCTET_STREAM = "application/octet-stream";

  private final Transport transport;
  private final RegistryPaths paths;

  BlobUploads(Transport transport, RegistryPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  /** POST then PUT with the stream as body; a 201 to the POST means there is nothing to send. */
  void push(String repo, Digest digest, long size, InputStream content) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    String what = "push blob " + repo + "@" + digest;
    URI location = start(repo, what, "");
    if (location == null) {
      return;
    }
    finish(repo, digest, location, RequestBody.stream(content, size), what);
  }

  /**
   * A single POST with {@code ?digest=} and the bytes (distribution spec "Single POST"); when the
   * registry answers 202 instead of 201 it opened an upload, and the bytes are PUT to it.
   */
  void push(String repo, Digest digest, byte[] content) throws IOException {
    Digest actual = Digest.sha256Of(content);
    if (digest.algorithm() == actual.algorithm() && !digest.equals(actual)) {
      throw new dev.shoal.core.digest.DigestMismatchException(digest, actual, content.length);
    }
    String what = "push blob " + repo + "@" + digest;
    RegistryRequest post =
        RegistryRequest.of(
                "POST", paths.uploads(repo, "digest=" + digest), List.of(pushScope(repo)), what)
            .withHeaders(Map.of("Content-Type", OCTET_STREAM))
            .withBody(RequestBody.bytes(content));
    HttpResponse<InputStream> response = transport.send(post);
    Responses.expect(response, what, 201, 202);
    Transport.discard(response);
    if (response.statusCode() == 202) {
      finish(repo, digest, Responses.location(response, what), RequestBody.bytes(content), what);
    }
  }

  /** True when the registry mounted the blob (201); false when it opened an upload instead. */
  boolean mount(String repo, Digest digest, String fromRepo) throws IOException {
    RegistryPaths.repo(fromRepo);
    String what = "mount blob " + digest + " from " + fromRepo + " into " + repo;
    RegistryRequest post =
        RegistryRequest.of(
            "POST",
            paths.uploads(repo, "mount=" + digest + "&from=" + fromRepo),
            List.of(pushScope(repo), pullScope(fromRepo)),
            what);
    HttpResponse<InputStream> response = transport.send(post);
    Responses.expect(response, what, 201, 202);
    Transport.discard(response);
    if (response.statusCode() == 201) {
      return true;
    }
    cancel(repo, Responses.location(response, what), what);
    return false;
  }

  /** Opens an upload: its Location, or null when the registry answered 201 (already complete). */
  URI start(String repo, String what, String query) throws IOException {
    RegistryRequest post =
        RegistryRequest.of("POST", paths.uploads(repo, query), List.of(pushScope(repo)), what);
    HttpResponse<InputStream> response = transport.send(post);
    Responses.expect(response, what, 201, 202);
    Transport.discard(response);
    return response.statusCode() == 201 ? null : Responses.location(response, what);
  }

  /** The closing {@code PUT <location>?digest=}, with the last bytes if any. */
  void finish(String repo, Digest digest, URI location, RequestBody body, String what)
      throws IOException {
    RegistryRequest put =
        RegistryRequest.of(
                "PUT",
                RegistryPaths.withQuery(location, "digest=" + digest),
                List.of(pushScope(repo)),
                what)
            .withHeaders(Map.of("Content-Type", OCTET_STREAM))
            .withBody(body);
    HttpResponse<InputStream> response = transport.send(put);
    Responses.expect(response, what, 201);
    Transport.discard(response);
    var confirmed = Responses.contentDigest(response, what);
    if (confirmed.isPresent() && !confirmed.get().equals(digest)) {
      throw new RegistryException(
          what + ": registry stored it as " + confirmed.get(), 201, List.of());
    }
  }

  /** Abandons an upload; failures are ignored: the registry expires stale uploads by itself. */
  void cancel(String repo, URI location, String what) {
    try {
      Transport.discard(
          transport.send(RegistryRequest.of("DELETE", location, List.of(pushScope(repo)), what)));
    } catch (IOException e) {
      // Nothing depends on the cancel: an abandoned upload only costs the registry a little space.
    }
  }
}
