package dev.shoal.core.registry;

import static dev.shoal.core.registry.RegistryRequest.pullScope;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code HEAD} and {@code GET /v2/<name>/blobs/<digest>}, following redirects to object storage
 * (without the registry's {@code Authorization}), with {@code Range} for resuming.
 */
final class BlobReader {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  private final Transport transport;
  private final RegistryPaths paths;

  BlobReader(Transport transport, RegistryPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  OptionalLong exists(String repo, Digest digest) throws IOException {
    String what = "HEAD blob " + repo + "@" + digest;
    RegistryRequest req =
        RegistryRequest.of("HEAD", paths.blob(repo, digest), List.of(pullScope(repo)), what)
            .followingRedirects();
    HttpResponse<InputStream> response = transport.send(req);
    if (response.statusCode() == 404) {
      Transport.discard(response);
      return OptionalLong.empty();
    }
    Responses.expect(response, what, 200);
    Transport.discard(response);
    long size = Responses.contentLength(response);
    if (size < 0) {
      throw new RegistryException(what + ": no Content-Length", 200, List.of());
    }
    return OptionalLong.of(size);
  }

  /**
   * The blob's bytes from {@code offset} on. A registry that ignores the {@code Range} (200 instead
   * of 206) is tolerated: the first {@code offset} bytes are skipped here.
   */
  InputStream open(String repo, Digest digest, long offset) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
    }
    String what = "GET blob " + repo + "@" + digest + (offset > 0 ? " from " + offset : "");
    HttpResponse<InputStream> response =
        get(repo, digest, what, offset > 0 ? "bytes=" + offset + "-" : null);
    InputStream body = response.body();
    if (response.statusCode() == 200 && offset > 0) {
      body.skipNBytes(offset);
    } else if (response.statusCode() == 206) {
      expectContentRange(response, what, offset, -1);
    }
    return body;
  }

  /**
   * Exactly the blob's bytes {@code [offset, end)}, from a registry that answers ranges; one that
   * sends the whole blob instead (200) is refused with {@link RangesUnsupportedException}, before
   * its body is read, so that the caller reads the blob as one stream.
   */
  InputStream openRange(String repo, Digest digest, long offset, long end) throws IOException {
    if (offset < 0 || end <= offset) {
      throw new IllegalArgumentException(
          "range: [" + offset + ", " + end + ") (expected: 0 <= offset < end)");
    }
    String what = "GET blob " + repo + "@" + digest + " bytes " + offset + "-" + (end - 1);
    HttpResponse<InputStream> response =
        get(repo, digest, what, "bytes=" + offset + "-" + (end - 1));
    if (response.statusCode() == 200) {
      response.body().close();
      throw new RangesUnsupportedException(what + ": the registry sent the whole blob (200)");
    }
    expectContentRange(response, what, offset, end - 1);
    return response.body(); // Content-Length bounds it to the range
  }

  /** A GET of the blob, with {@code range} as its {@code Range} unless null; 200 or 206. */
  private HttpResponse<InputStream> get(String repo, Digest digest, String what, String range)
      throws IOException {
    RegistryRequest req =
        RegistryRequest.of("GET", paths.blob(repo, digest), List.of(pullScope(repo)), what)
            .followingRedirects();
    if (range != null) {
      req = req.withHeaders(Map.of("Range", range));
    }
    HttpResponse<InputStream> response = transport.send(req);
    Responses.expect(response, what, 200, 206);
    return response;
  }

  /**
   * Closes the body and fails unless the 206's {@code Content-Range} starts at {@code first} and,
   * when {@code last} is not -1, ends at {@code last}.
   */
  private static void expectContentRange(
      HttpResponse<InputStream> response, String what, long first, long last) throws IOException {
    String range = response.headers().firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(range);
    if (m.matches()
        && Long.parseLong(m.group(1)) == first
        && (last < 0 || Long.parseLong(m.group(2)) == last)) {
      return;
    }
    response.body().close();
    throw new RegistryException(
        what
            + ": Content-Range \""
            + range
            + "\" (expected: bytes "
            + first
            + "-"
            + (last < 0 ? "…" : Long.toString(last))
            + "/…)",
        206,
        List.of());
  }

  /**
   * The whole blob, failing the read at the end unless it is {@code size} bytes of {@code digest}.
   */
  InputStream openVerified(String repo, Digest digest, long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    return new VerifyingInputStream(open(repo, digest, 0), digest, size);
  }
}
