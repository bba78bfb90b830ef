package dev.shoal.core.registry;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/** Checks on registry answers shared by the endpoints. */
final class Responses {
  private Responses() {}

  /** Throws the mapped {@link RegistryException} (and closes the body) unless the status is ok. */
  static void expect(HttpResponse<InputStream> response, String what, int... ok)
      throws RegistryException {
    for (int s : ok) {
      if (response.statusCode() == s) {
        return;
      }
    }
    throw ErrorBodies.toException(what, response);
  }

  /** The {@code Location} header resolved against the request, required. */
  static URI location(HttpResponse<?> response, String what) throws RegistryException {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new RegistryException(
                        what + ": HTTP " + response.statusCode() + " without a Location header",
                        response.statusCode(),
                        List.of()));
    return Transport.resolve(response.uri(), location, what);
  }

  /** The {@code Docker-Content-Digest} header, parsed, when present. */
  static Optional<Digest> contentDigest(HttpResponse<?> response, String what)
      throws RegistryException {
    Optional<String> header = response.headers().firstValue("Docker-Content-Digest");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(header.get().strip()));
    } catch (InvalidDigestException e) {
      throw new RegistryException(what + ": bad Docker-Content-Digest: " + e.getMessage(), e);
    }
  }

  /** The {@code Content-Length} header, or -1. */
  static long contentLength(HttpResponse<?> response) {
    return response.headers().firstValueAsLong("Content-Length").orElse(-1);
  }
}
