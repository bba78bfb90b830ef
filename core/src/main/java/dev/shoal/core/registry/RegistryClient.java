package dev.shoal.core.registry;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A client of one OCI registry's HTTP API (OCI Distribution Specification v1.1), with Docker token
 * authentication, retries and blob redirects.
 *
 * <p>Repository names, tags and digests are checked before any request; a bad one raises {@link
 * dev.shoal.core.reference.InvalidReferenceException} or {@link
 * dev.shoal.core.digest.InvalidDigestException} quoting it. Registry errors raise {@link
 * RegistryException} (with {@link NotFoundException} and {@link UnauthorizedException}) carrying
 * the status and the OCI error codes; bytes that do not match their digest raise {@link
 * dev.shoal.core.digest.DigestMismatchException}.
 */
public interface RegistryClient {

  /** A builder for a client of the registry at {@code baseUrl}, e.g. {@code https://ghcr.io}. */
  static RegistryClientBuilder builder(URI baseUrl) {
    return new RegistryClientBuilder(baseUrl);
  }

  /**
   * A client of the same registry, sharing its connections, that sends {@code authorization} as the
   * {@code Authorization} header of every request to the registry and answers no challenge itself:
   * for a proxy relaying its caller's credentials, so that the registry judges the caller. A
   * refusal raises {@link UnauthorizedException} with the registry's challenge.
   */
  RegistryClient withAuthorization(String authorization);

  /** {@code GET /v2/}: the registry answers and accepts the credentials (if any). */
  void ping() throws IOException;

  /**
   * A manifest, byte-exact. Its {@code Docker-Content-Digest} is checked against the bytes, and so
   * is the reference when it is a digest.
   *
   * @param reference a tag or a digest
   * @param accept the media types to ask for; empty means {@link
   *     dev.shoal.core.oci.MediaTypes#MANIFEST_TYPES}
   */
  FetchedManifest manifest(String repo, String reference, List<String> accept) throws IOException;

  /** The manifest's media type, digest and size, or empty when the registry has none (404). */
  Optional<Descriptor> headManifest(String repo, String reference, List<String> accept)
      throws IOException;

  /** Pushes a manifest under a tag or its digest; returns the digest the registry confirmed. */
  Digest putManifest(String repo, String reference, byte[] bytes, String mediaType)
      throws IOException;

  /** Deletes a manifest (by digest; registries may refuse tags). */
  void deleteManifest(String repo, String reference) throws IOException;

  /** The blob's size, or empty when the registry does not have it in {@code repo}. */
  OptionalLong blobExists(String repo, Digest digest) throws IOException;

  /**
   * The blob's bytes from {@code offset} on ({@code Range: bytes=offset-}), not verified: for
   * resuming a download whose bytes the caller hashes. The caller closes the stream.
   */
  InputStream openBlob(String repo, Digest digest, long offset) throws IOException;

  /**
   * Exactly the blob's bytes {@code [offset, end)}, unverified; the caller closes the stream.
   *
   * @throws RangesUnsupportedException when the registry answers with the whole blob instead
   */
  InputStream openBlobRange(String repo, Digest digest, long offset, long end) throws IOException;

  /**
   * The whole blob; the read that reaches the end fails unless exactly {@code size} bytes hashing
   * to {@code digest} arrived. The caller closes the stream.
   */
  InputStream openVerifiedBlob(String repo, Digest digest, long size) throws IOException;

  /**
   * Pushes {@code size} bytes of {@code content} in one PUT. The stream is read once, so this call
   * is not retried after the PUT started.
   */
  void pushBlob(String repo, Digest digest, long size, InputStream content) throws IOException;

  /** Pushes a small blob held in memory: one POST when the registry can, retried as needed. */
  void pushBlob(String repo, Digest digest, byte[] content) throws IOException;

  /** Pushes a blob in chunks of {@code chunkSize} bytes, resuming a chunk after a 416. */
  void pushBlobChunked(String repo, Digest digest, InputStream content, int chunkSize)
      throws IOException;

  /** Mounts a blob from another repository of this registry; false when the registry declined. */
  boolean mountBlob(String repo, Digest digest, String fromRepo) throws IOException;

  /** All tags, in the registry's order, following its pages. */
  List<String> tags(String repo) throws IOException;

  /** All tags, asking for pages of {@code pageSize} ({@code n}). */
  List<String> tags(String repo, int pageSize) throws IOException;
}
