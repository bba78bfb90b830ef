package dev.shoal.agent.mirror;

import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.fetch.InsufficientSpaceException;
import dev.shoal.agent.peer.SourcePlanner;
import dev.shoal.agent.upstream.AccessControl;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.UpstreamErrors;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import dev.shoal.core.distribution.BlobHeads;
import dev.shoal.core.distribution.ByteRange;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.ResponseStream;
import dev.shoal.core.registry.NotFoundException;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.store.BlobNotFoundException;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET}/{@code HEAD /v2/NAME/blobs/DIGEST}: from the store with zero copy when the blob is
 * complete, else joined to its download and streamed while it is written and hashed.
 */
final class BlobService {
  private static final Logger log = LoggerFactory.getLogger(BlobService.class);
  static final String OCTET_STREAM = "application/octet-stream";

  /** How long a request waits for a fetch whose file just moved to finish publishing it. */
  private static final Duration PUBLISH_WAIT = Duration.ofSeconds(10);

  private final ContentStore store;
  private final BlobFetches fetches;
  private final SourcePlanner planner;
  private final AccessControl access;
  private final MirrorMetrics metrics;

  BlobService(
      ContentStore store,
      BlobFetches fetches,
      SourcePlanner planner,
      AccessControl access,
      MirrorMetrics metrics) {
    this.store = store;
    this.fetches = fetches;
    this.planner = planner;
    this.access = access;
    this.metrics = metrics;
  }

  void serve(Exchange ex, Upstream upstream, String repo, String reference, String auth)
      throws HttpError, IOException {
    Digest digest = parse(reference);
    // The size, when the upstream was asked just now: a cold blob then costs one HEAD, not two.
    Optional<Long> askedSize =
        access.check(
            upstream,
            repo,
            auth,
            c -> require(c.blobExists(repo, digest), repo, digest),
            "BLOB_UNKNOWN");
    if (serveLocal(ex, digest, true)) {
      return;
    }
    BlobFetch fetch = fetches.running(digest).orElse(null);
    if (fetch == null) {
      long known;
      if (askedSize.isPresent()) {
        known = askedSize.get();
      } else {
        try {
          known = require(upstream.clientFor(auth).blobExists(repo, digest), repo, digest);
        } catch (NotFoundException e) {
          throw e;
        } catch (IOException e) {
          // The upstream is unreachable, but the caller was allowed in lately: a peer holding the
          // blob tells its size (the digest check at the end still decides what is served).
          OptionalLong fromPeers = planner.sizeFromPeers(digest);
          if (fromPeers.isEmpty()) {
            throw UpstreamErrors.toHttp(upstream, e, "BLOB_UNKNOWN");
          }
          log.info(
              "upstream unreachable, blob size from peers digest={} upstream={} error={}",
              digest,
              upstream.name(),
              e.toString());
          known = fromPeers.getAsLong();
        }
      }
      long size = known;
      if (ex.method().equals(HttpMethod.HEAD)) {
        // The size and the digest are all a HEAD answers: no reason to download the blob.
        ByteRange range = ByteRange.parse(ex.header(HttpHeaderNames.RANGE), size);
        metrics.blobRequest(false);
        ex.stream(BlobHeads.of(digest, range, size), range.length());
        return;
      }
      if (size == 0) {
        fetchEmpty(upstream.clientFor(auth), repo, digest);
        serveLocal(ex, digest, false);
        return;
      }
      try {
        fetch =
            fetches.join(
                digest, size, OCTET_STREAM, () -> planner.plan(upstream, repo, digest, size, auth));
      } catch (InsufficientSpaceException e) {
        throw RegistryErrors.httpError(
            HttpResponseStatus.INSUFFICIENT_STORAGE, "UNAVAILABLE", e.getMessage());
      } catch (IllegalStateException e) {
        // Completed by another request between the look at the store and now.
        if (serveLocal(ex, digest, false)) {
          return;
        }
        throw e;
      }
    }
    metrics.blobRequest(false);
    stream(ex, fetch);
  }

  private void stream(Exchange ex, BlobFetch fetch) throws HttpError, IOException {
    long size = fetch.size();
    ByteRange range = ByteRange.parse(ex.header(HttpHeaderNames.RANGE), size);
    FileChannel file;
    try {
      file = fetch.openReader();
    } catch (NoSuchFileException e) {
      // Published (moved into place) or discarded since it was joined. The file moves before the
      // store records the blob complete: only once the fetch ended does the store know which.
      fetch.awaitEnd(PUBLISH_WAIT);
      if (serveLocal(ex, fetch.digest(), false)) {
        return;
      }
      throw RegistryErrors.httpError(
          HttpResponseStatus.BAD_GATEWAY,
          "UNAVAILABLE",
          "download of " + fetch.digest() + " failed");
    }
    ResponseStream out = ex.stream(BlobHeads.of(fetch.digest(), range, size), range.length());
    if (out == null) {
      file.close();
      return;
    }
    BlobSender.start(out, fetch, file, range.start(), range.length(), metrics::servedFromUpstream);
  }

  /** Sends the blob from the store if it is complete there; false when it is not. */
  private boolean serveLocal(Exchange ex, Digest digest, boolean countRequest)
      throws HttpError, IOException {
    BlobRange open;
    try {
      open = store.openRange(digest, 0, -1);
    } catch (BlobNotFoundException e) {
      return false;
    }
    long size = open.count();
    ByteRange range;
    try {
      range = ByteRange.parse(ex.header(HttpHeaderNames.RANGE), size);
    } catch (HttpError e) {
      open.close();
      throw e;
    }
    if (countRequest) {
      metrics.blobRequest(true);
    }
    ex.respondFile(
        BlobHeads.of(digest, range, size), open.channel(), range.start(), range.length());
    if (!ex.method().equals(HttpMethod.HEAD)) {
      metrics.servedFromStore(range.length());
    }
    return true;
  }

  private void fetchEmpty(RegistryClient client, String repo, Digest digest) throws HttpError {
    try (InputStream in = client.openVerifiedBlob(repo, digest, 0)) {
      store.put(digest, in, 0, OCTET_STREAM);
    } catch (IOException e) {
      throw RegistryErrors.httpError(
          HttpResponseStatus.BAD_GATEWAY, "UNAVAILABLE", "fetching " + digest + ": " + e);
    }
  }

  private static long require(OptionalLong size, String repo, Digest digest)
      throws NotFoundException {
    if (size.isEmpty()) {
      throw new NotFoundException("blob " + repo + "@" + digest + " unknown", List.of());
    }
    return size.getAsLong();
  }

  static Digest parse(String reference) throws HttpError {
    try {
      return Digest.parse(reference);
    } catch (InvalidDigestException e) {
      throw RegistryErrors.httpError(
          HttpResponseStatus.BAD_REQUEST, "DIGEST_INVALID", e.getMessage());
    }
  }
}
