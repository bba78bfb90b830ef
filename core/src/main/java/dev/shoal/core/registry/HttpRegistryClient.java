package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** {@link RegistryClient} over {@link Transport}, one endpoint class per concern. */
final class HttpRegistryClient implements RegistryClient {
  private final Transport transport;
  private final RegistryPaths paths;
  private final ManifestEndpoint manifests;
  private final BlobReader blobs;
  private final BlobUploads uploads;
  private final ChunkedUpload chunked;
  private final TagLister tags;

  HttpRegistryClient(Transport transport) {
    this.transport = transport;
    this.paths = new RegistryPaths(transport.base());
    this.manifests = new ManifestEndpoint(transport, paths);
    this.blobs = new BlobReader(transport, paths);
    this.uploads = new BlobUploads(transport, paths);
    this.chunked = new ChunkedUpload(transport, uploads);
    this.tags = new TagLister(transport, paths);
  }

  @Override
  public RegistryClient withAuthorization(String authorization) {
    requireNonNull(authorization, "authorization");
    return new HttpRegistryClient(transport.withAuthorization(authorization));
  }

  @Override
  public void ping() throws IOException {
    HttpResponse<InputStream> response =
        transport.send(RegistryRequest.of("GET", paths.ping(), List.of(), "GET /v2/"));
    Responses.expect(response, "GET /v2/", 200);
    Transport.discard(response);
  }

  @Override
  public FetchedManifest manifest(String repo, String reference, List<String> accept)
      throws IOException {
    return manifests.get(repo, reference, requireNonNull(accept, "accept"));
  }

  @Override
  public Optional<Descriptor> headManifest(String repo, String reference, List<String> accept)
      throws IOException {
    return manifests.head(repo, reference, requireNonNull(accept, "accept"));
  }

  @Override
  public Digest putManifest(String repo, String reference, byte[] bytes, String mediaType)
      throws IOException {
    return manifests.put(
        repo, reference, requireNonNull(bytes, "bytes"), requireNonNull(mediaType, "mediaType"));
  }

  @Override
  public void deleteManifest(String repo, String reference) throws IOException {
    manifests.delete(repo, reference);
  }

  @Override
  public OptionalLong blobExists(String repo, Digest digest) throws IOException {
    return blobs.exists(repo, requireNonNull(digest, "digest"));
  }

  @Override
  public InputStream openBlob(String repo, Digest digest, long offset) throws IOException {
    return blobs.open(repo, requireNonNull(digest, "digest"), offset);
  }

  @Override
  public InputStream openBlobRange(String repo, Digest digest, long offset, long end)
      throws IOException {
    return blobs.openRange(repo, requireNonNull(digest, "digest"), offset, end);
  }

  @Override
  public InputStream openVerifiedBlob(String repo, Digest digest, long size) throws IOException {
    return blobs.openVerified(repo, requireNonNull(digest, "digest"), size);
  }

  @Override
  public void pushBlob(String repo, Digest digest, long size, InputStream content)
      throws IOException {
    uploads.push(repo, requireNonNull(digest, "digest"), size, requireNonNull(content, "content"));
  }

  @Override
  public void pushBlob(String repo, Digest digest, byte[] content) throws IOException {
    uploads.push(repo, requireNonNull(digest, "digest"), requireNonNull(content, "content"));
  }

  @Override
  public void pushBlobChunked(String repo, Digest digest, InputStream content, int chunkSize)
      throws IOException {
    chunked.push(
        repo, requireNonNull(digest, "digest"), requireNonNull(content, "content"), chunkSize);
  }

  @Override
  public boolean mountBlob(String repo, Digest digest, String fromRepo) throws IOException {
    return uploads.mount(repo, requireNonNull(digest, "digest"), requireNonNull(fromRepo, "from"));
  }

  @Override
  public List<String> tags(String repo) throws IOException {
    return tags.list(repo, 0);
  }

  @Override
  public List<String> tags(String repo, int pageSize) throws IOException {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: >= 1)");
    }
    return tags.list(repo, pageSize);
  }
}
