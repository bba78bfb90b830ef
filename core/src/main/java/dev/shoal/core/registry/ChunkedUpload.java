package dev.shoal.core.registry;

import static dev.shoal.core.registry.RegistryRequest.pushScope;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chunked blob upload, distribution spec "Pushing a blob in chunks": POST, then one PATCH per
 * chunk with {@code Content-Range}, each to the Location the previous answer gave, then {@code PUT
 * ?digest=}. On 416 the upload's status ({@code GET} its Location, header {@code Range: 0-N}) says
 * where to resume; the chunk in hand is resent from there. The digest is computed while reading and
 * checked before the closing PUT.
 */
final class ChunkedUpload {
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(\\d+)");
  private static final int MAX_RESUMES_PER_CHUNK = 3;

  private final Transport transport;
  private final BlobUploads uploads;

  ChunkedUpload(Transport transport, BlobUploads uploads) {
    this.transport = transport;
    this.uploads = uploads;
  }

  void push(String repo, Digest digest, InputStream content, int chunkSize) throws IOException {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: >= 1)");
    }
    String what = "push blob in chunks " + repo + "@" + digest;
    URI location = uploads.start(repo, what, "");
    if (location == null) {
      return;
    }
    Hashing hashing = new Hashing(digest.algorithm());
    byte[] chunk = new byte[chunkSize];
    long sent = 0;
    while (true) {
      int n = content.readNBytes(chunk, 0, chunkSize);
      if (n == 0) {
        break;
      }
      hashing.update(chunk, 0, n);
      location = patch(repo, location, chunk, n, sent, what);
      sent += n;
    }
    Digest actual = hashing.digest();
    if (!actual.equals(digest)) {
      uploads.cancel(repo, location, what);
      throw new DigestMismatchException(digest, actual, sent);
    }
    uploads.finish(repo, digest, location, RequestBody.none(), what);
  }

  /** Sends {@code chunk[0, n)} as bytes {@code start…}; returns the next Location. */
  private URI patch(String repo, URI location, byte[] chunk, int n, long start, String what)
      throws IOException {
    int from = 0;
    for (int resumes = 0; ; resumes++) {
      long first = start + from;
      long last = start + n - 1;
      RegistryRequest req =
          RegistryRequest.of("PATCH", location, List.of(pushScope(repo)), what)
              .withHeaders(
                  Map.of(
                      "Content-Type",
                      BlobUploads.OCTET_STREAM,
                      "Content-Range",
                      first + "-" + last))
              .withBody(RequestBody.bytes(Arrays.copyOfRange(chunk, from, n)));
      HttpResponse<InputStream> response = transport.send(req);
      if (response.statusCode() != 416 || resumes >= MAX_RESUMES_PER_CHUNK) {
        Responses.expect(response, what + " bytes " + first + "-" + last, 202);
        Transport.discard(response);
        return Responses.location(response, what);
      }
      Transport.discard(response);
      long next = uploadedUpTo(repo, location, what);
      if (next < start || next > start + n) {
        throw new RegistryException(
            what + ": registry holds " + next + " bytes, cannot resume the chunk at " + start,
            416,
            List.of());
      }
      if (next == start + n) {
        // The whole chunk arrived although the answer said otherwise.
        return location;
      }
      from = (int) (next - start);
    }
  }

  /** How many bytes the upload holds, from its status ({@code Range: 0-N} means N+1). */
  private long uploadedUpTo(String repo, URI location, String what) throws IOException {
    HttpResponse<InputStream> status =
        transport.send(
            RegistryRequest.of("GET", location, List.of(pushScope(repo)), what + " status"));
    Responses.expect(status, what + " status", 204, 200);
    Transport.discard(status);
    String range = status.headers().firstValue("Range").orElse("");
    Matcher m = RANGE.matcher(range.strip());
    return m.matches() ? Long.parseLong(m.group(1)) + 1 : 0;
  }
}
