package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.runtime.ContainerException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * GETs of the agent's own mirror over loopback, as a registry client (OCI distribution spec
 * "Pull"): {@code /v2/<repository>/manifests|blobs/<reference>}, with containerd's {@code
 * ?ns=<registry>} when the image names a registry. A non-200 answer becomes a {@link
 * ContainerException} carrying the registry error's code and message, and what to do.
 */
final class MirrorHttp {
  private static final Duration CONNECT = Duration.ofSeconds(5);

  /** Until the headers arrive; the mirror may be fetching a cold manifest from the upstream. */
  private static final Duration HEADERS = Duration.ofMinutes(5);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI mirror;
  private final HttpClient http;

  MirrorHttp(URI mirror) {
    this.mirror = requireNonNull(mirror, "mirror");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT)
            .proxy(HttpClient.Builder.NO_PROXY)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * GETs {@code /v2/<repository>/<tail>}; answers a 200's body stream (the caller closes it).
   *
   * @param ns the registry for {@code ?ns=}, or null for the agent's default upstream
   * @param image how errors name the image
   * @param headers name, value, name, value …
   */
  HttpResponse<InputStream> get(
      String repository, String ns, String tail, String image, String... headers)
      throws IOException {
    String url = mirror.resolve("/v2/" + repository + "/" + tail).toString();
    if (ns != null) {
      url += "?ns=" + URLEncoder.encode(ns, StandardCharsets.UTF_8);
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(HEADERS).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      req.header(headers[i], headers[i + 1]);
    }
    HttpResponse<InputStream> r;
    try {
      r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while pulling " + image);
    }
    if (r.statusCode() == 200) {
      return r;
    }
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readNBytes(16 << 10);
    }
    Kind kind = r.statusCode() == 404 ? Kind.NOT_FOUND : Kind.FAILED;
    String fix =
        switch (r.statusCode()) {
          case 404 -> ": check the image name and tag, and the agent's upstream";
          case 401, 403 -> ": give the agent credentials for this registry (mirror.upstreams)";
          default -> "";
        };
    throw new ContainerException(
        kind, "cannot pull " + image + ": " + r.statusCode() + " " + errorMessage(body) + fix);
  }

  /** The whole body of a small document, refusing more than {@code max} bytes. */
  static byte[] readAll(HttpResponse<InputStream> r, long max) throws IOException {
    try (InputStream in = r.body()) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (b.length > max) {
        throw new ContainerException(
            Kind.INVALID,
            r.uri() + " is larger than " + max + " bytes (expected: a small document)");
      }
      return b;
    }
  }

  private static String errorMessage(byte[] body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        JsonNode e = errors.get(0);
        return e.path("code").asText("") + " " + e.path("message").asText("");
      }
    } catch (IOException e) {
      // Not the registry's JSON error: show the start of the body instead.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
