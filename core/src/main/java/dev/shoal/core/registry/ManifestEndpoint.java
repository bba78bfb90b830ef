package dev.shoal.core.registry;

import static dev.shoal.core.registry.RegistryRequest.pullScope;
import static dev.shoal.core.registry.RegistryRequest.pushScope;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.Manifests;
import dev.shoal.core.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /v2/<name>/manifests/<reference>}: GET, HEAD, PUT, DELETE (distribution spec). */
final class ManifestEndpoint {
  private final Transport transport;
  private final RegistryPaths paths;

  ManifestEndpoint(Transport transport, RegistryPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  FetchedManifest get(String repo, String reference, List<String> accept) throws IOException {
    String what = "GET manifest " + repo + ":" + reference;
    RegistryRequest req =
        RegistryRequest.of("GET", paths.manifest(repo, reference), List.of(pullScope(repo)), what)
            .withHeaders(acceptHeader(accept));
    HttpResponse<InputStream> response = transport.send(req);
    Responses.expect(response, what, 200);
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(Manifests.MAX_MANIFEST_BYTES + 1);
    }
    if (bytes.length > Manifests.MAX_MANIFEST_BYTES) {
      throw new RegistryException(
          what + ": more than " + Manifests.MAX_MANIFEST_BYTES + " bytes", 200, List.of());
    }
    Optional<Digest> header = Responses.contentDigest(response, what);
    if (header.isPresent()) {
      check(header.get(), bytes);
    }
    Digest digest;
    if (Digest.isDigest(reference)) {
      digest = Digest.parse(reference);
      check(digest, bytes);
    } else {
      digest = header.orElseGet(() -> Digest.sha256Of(bytes));
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    return new FetchedManifest(bytes, contentType, digest);
  }

  /** The manifest's descriptor, or empty when the registry answers 404. */
  Optional<Descriptor> head(String repo, String reference, List<String> accept) throws IOException {
    String what = "HEAD manifest " + repo + ":" + reference;
    RegistryRequest req =
        RegistryRequest.of("HEAD", paths.manifest(repo, reference), List.of(pullScope(repo)), what)
            .withHeaders(acceptHeader(accept));
    HttpResponse<InputStream> response = transport.send(req);
    if (response.statusCode() == 404) {
      Transport.discard(response);
      return Optional.empty();
    }
    Responses.expect(response, what, 200);
    Transport.discard(response);
    Optional<Digest> header = Responses.contentDigest(response, what);
    Digest digest;
    if (Digest.isDigest(reference)) {
      digest = Digest.parse(reference);
      if (header.isPresent() && !header.get().equals(digest)) {
        throw new RegistryException(
            what + ": Docker-Content-Digest is " + header.get(), 200, List.of());
      }
    } else {
      digest =
          header.orElseThrow(
              () -> new RegistryException(what + ": no Docker-Content-Digest", 200, List.of()));
    }
    String type = MediaTypes.essence(response.headers().firstValue("Content-Type").orElse(""));
    if (!MediaTypes.isWellFormed(type)) {
      throw new RegistryException(what + ": Content-Type \"" + type + "\"", 200, List.of());
    }
    return Optional.of(Descriptor.of(type, digest, Responses.contentLength(response)));
  }

  /** Pushes the manifest; returns its digest, as the registry confirmed it. */
  Digest put(String repo, String reference, byte[] bytes, String mediaType) throws IOException {
    String what = "PUT manifest " + repo + ":" + reference;
    RegistryPaths.reference(reference);
    if (Digest.isDigest(reference)) {
      check(Digest.parse(reference), bytes);
    }
    RegistryRequest req =
        RegistryRequest.of("PUT", paths.manifest(repo, reference), List.of(pushScope(repo)), what)
            .withHeaders(Map.of("Content-Type", mediaType))
            .withBody(RequestBody.bytes(bytes));
    HttpResponse<InputStream> response = transport.send(req);
    Responses.expect(response, what, 201);
    Transport.discard(response);
    Optional<Digest> header = Responses.contentDigest(response, what);
    if (header.isPresent()) {
      check(header.get(), bytes);
      return header.get();
    }
    return Digest.sha256Of(bytes);
  }

  void delete(String repo, String reference) throws IOException {
    String what = "DELETE manifest " + repo + ":" + reference;
    RegistryRequest req =
        RegistryRequest.of(
            "DELETE", paths.manifest(repo, reference), List.of(pushScope(repo)), what);
    HttpResponse<InputStream> response = transport.send(req);
    Responses.expect(response, what, 202, 200, 204);
    Transport.discard(response);
  }

  private static Map<String, String> acceptHeader(List<String> accept) {
    List<String> types = accept.isEmpty() ? MediaTypes.MANIFEST_TYPES : accept;
    return Map.of("Accept", String.join(", ", types));
  }

  /** The bytes must hash, with {@code expected}'s algorithm, to {@code expected}. */
  private static void check(Digest expected, byte[] bytes) throws DigestMismatchException {
    Hashing h = new Hashing(expected.algorithm());
    h.update(bytes, 0, bytes.length);
    Digest actual = h.digest();
    if (!actual.equals(expected)) {
      throw new DigestMismatchException(expected, actual, bytes.length);
    }
  }
}
