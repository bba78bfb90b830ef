package dev.shoal.agent.mirror;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.oci.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * A registry client as a container runtime uses the mirror: plain HTTP/1.1 requests, and answers
 * read to their end or to the point where the connection broke, so that a test sees what a client
 * would have got. Every request has a deadline; test classes bound body reads with {@code Timeout}.
 */
final class MirrorClient {
  static final String ACCEPT_ALL = String.join(", ", MediaTypes.MANIFEST_TYPES);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final URI base;
  private final String authorization;
  private final HttpClient http;

  MirrorClient(URI base) {
    this(base, null, newHttpClient());
  }

  private MirrorClient(URI base, String authorization, HttpClient http) {
    this.base = requireNonNull(base, "base");
    this.authorization = authorization;
    this.http = http;
  }

  static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** The same client sending {@code authorization} (null: none) on every request. */
  MirrorClient withAuthorization(String authorization) {
    return new MirrorClient(base, authorization, http);
  }

  /** The path of a manifest by tag or digest (distribution spec end-3). */
  static String manifestPath(String repo, String reference) {
    return "/v2/" + repo + "/manifests/" + reference;
  }

  /** The path of a blob (distribution spec end-2). */
  static String blobPath(String repo, Digest digest) {
    return "/v2/" + repo + "/blobs/" + digest;
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * What a client got: the head, the body bytes that arrived (all of them, or those before the
   * connection broke), and the error that broke it.
   */
  record Answer(int status, HttpHeaders headers, byte[] body, IOException error) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    OptionalLong contentLength() {
      return headers.firstValueAsLong("Content-Length");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the body is complete: no error, and as long as the head announced. */
    boolean complete() {
      return error == null
          && (contentLength().isEmpty() || contentLength().getAsLong() == body.length);
    }
  }

  /** A blob answer hashed as it streamed in, never held whole: for many clients at once. */
  record Hashed(int status, long bytes, Digest digest, IOException error) {}

  Answer get(String path, String... headers) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = send("GET", path, headers);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    IOException error = null;
    try (InputStream in = r.body()) {
      in.transferTo(body);
    } catch (IOException e) {
      error = e;
    }
    return new Answer(r.statusCode(), r.headers(), body.toByteArray(), error);
  }

  Answer head(String path, String... headers) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = send("HEAD", path, headers);
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readAllBytes();
    }
    return new Answer(r.statusCode(), r.headers(), body, null);
  }

  /** A manifest as a runtime asks for it: every manifest type accepted. */
  Answer manifest(String path) throws IOException, InterruptedException {
    return get(path, "Accept", ACCEPT_ALL);
  }

  Hashed getHashed(String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = send("GET", path);
    Hashing hash = new Hashing(DigestAlgorithm.SHA256);
    long n = 0;
    IOException error = null;
    byte[] buffer = new byte[64 << 10];
    try (InputStream in = r.body()) {
      int k;
      while ((k = in.read(buffer)) >= 0) {
        hash.update(buffer, 0, k);
        n += k;
      }
    } catch (IOException e) {
      error = e;
    }
    return new Hashed(r.statusCode(), n, hash.digest(), error);
  }

  /** Sends a request and returns once the head arrived; the caller reads and closes the body. */
  HttpResponse<InputStream> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }
}
