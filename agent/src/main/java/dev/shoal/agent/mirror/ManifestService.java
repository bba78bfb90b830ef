package dev.shoal.agent.mirror;

import dev.shoal.agent.upstream.AccessControl;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.UpstreamErrors;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.distribution.BlobHeads;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import dev.shoal.core.registry.FetchedManifest;
import dev.shoal.core.registry.NotFoundException;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.BlobNotFoundException;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.ResolvedTag;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET}/{@code HEAD /v2/NAME/manifests/REF}. A manifest by digest is immutable: once in the
 * store it is served from there for good, byte-exact. A tag is resolved at the upstream again once
 * its answer is older than the tag TTL; with the upstream unreachable the last answer is served,
 * marked with a {@code Warning} header.
 */
final class ManifestService {
  static final String STALE_WARNING = "110 shoal \"Response is Stale: upstream unreachable\"";

  /** How long a request waits for another's fetch of the same manifest before fetching it too. */
  private static final Duration JOIN_WAIT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(ManifestService.class);

  private final ContentStore store;
  private final AccessControl access;
  private final Duration tagTtl;
  private final Clock clock;
  private final MirrorMetrics metrics;
  private final ConcurrentHashMap<Digest, CompletableFuture<Void>> fetching =
      new ConcurrentHashMap<>();

  ManifestService(
      ContentStore store,
      AccessControl access,
      Duration tagTtl,
      Clock clock,
      MirrorMetrics metrics) {
    this.store = store;
    this.access = access;
    this.tagTtl = tagTtl;
    this.clock = clock;
    this.metrics = metrics;
  }

  void serve(Exchange ex, Upstream upstream, String repo, String reference, String auth)
      throws HttpError, IOException {
    metrics.manifestRequest();
    List<String> accept = accept(ex);
    if (Digest.isDigest(reference) || reference.contains(":")) {
      Digest digest = BlobService.parse(reference);
      access.check(
          upstream,
          repo,
          auth,
          c -> present(c.headManifest(repo, reference, accept), repo, reference),
          "MANIFEST_UNKNOWN");
      if (!store.contains(digest)) {
        fetch(upstream, repo, digest, auth, accept);
      }
      respond(ex, digest, null);
      return;
    }
    serveTag(ex, upstream, repo, tag(reference), auth, accept);
  }

  private void serveTag(
      Exchange ex, Upstream upstream, String repo, String tag, String auth, List<String> accept)
      throws HttpError, IOException {
    String key = upstream.name() + "/" + repo + ":" + tag;
    Optional<ResolvedTag> cached = store.tags().get(key);
    if (cached.isPresent()
        && !cached.get().resolved().plus(tagTtl).isBefore(clock.instant())
        && accept.contains(cached.get().mediaType())
        && access.granted(upstream, repo, auth)
        && store.contains(cached.get().digest())) {
      respond(ex, cached.get().digest(), null);
      return;
    }
    Descriptor resolved;
    try {
      resolved =
          access.ask(
              upstream, repo, auth, c -> present(c.headManifest(repo, tag, accept), repo, tag));
    } catch (IOException e) {
      if (UpstreamErrors.unreachable(e)
          && cached.isPresent()
          && access.grantedStale(upstream, repo, auth)
          && store.contains(cached.get().digest())) {
        log.warn(
            "upstream unreachable, serving the cached tag upstream={} repository={} tag={}"
                + " digest={} resolved={} error={}",
            upstream.name(),
            repo,
            tag,
            cached.get().digest(),
            cached.get().resolved(),
            e.getMessage());
        metrics.staleTag();
        respond(ex, cached.get().digest(), STALE_WARNING);
        return;
      }
      throw access.refusal(upstream, repo, auth, e, "MANIFEST_UNKNOWN");
    }
    if (!store.contains(resolved.digest())) {
      fetch(upstream, repo, resolved.digest(), auth, accept);
    }
    store
        .tags()
        .put(
            key,
            new ResolvedTag(
                resolved.digest(), resolved.mediaType(), resolved.size(), clock.instant()));
    respond(ex, resolved.digest(), null);
  }

  /**
   * Fetches the manifest into the store; concurrent requests for one digest share one upstream GET
   * (a burst of pulls of one image must not spend a registry's pull quota once per client). A
   * request that joined a fetch which failed tries once more on its own, with its own credentials.
   */
  private void fetch(
      Upstream upstream, String repo, Digest digest, String auth, List<String> accept)
      throws HttpError, IOException {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = fetching.putIfAbsent(digest, mine);
    if (running != null) {
      try {
        running.get(JOIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The other request's failure (or its slowness) is not this one's: try on our own below.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for manifest " + digest);
      }
      if (!store.contains(digest)) {
        fetchNow(upstream, repo, digest, auth, accept);
      }
      return;
    }
    try {
      // Stored by another request between the caller's look and now?
      if (!store.contains(digest)) {
        fetchNow(upstream, repo, digest, auth, accept);
      }
      mine.complete(null);
    } catch (HttpError | IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      fetching.remove(digest, mine);
    }
  }

  private void fetchNow(
      Upstream upstream, String repo, Digest digest, String auth, List<String> accept)
      throws HttpError, IOException {
    FetchedManifest m;
    try {
      m = upstream.clientFor(auth).manifest(repo, digest.toString(), accept);
    } catch (IOException e) {
      throw UpstreamErrors.toHttp(upstream, e, "MANIFEST_UNKNOWN");
    }
    byte[] bytes = m.bytes();
    store.put(digest, new ByteArrayInputStream(bytes), bytes.length, m.contentType());
  }

  private void respond(Exchange ex, Digest digest, String warning) throws HttpError, IOException {
    BlobRange open;
    Optional<BlobInfo> info = store.info(digest);
    try {
      open = store.openRange(digest, 0, -1);
    } catch (BlobNotFoundException e) {
      // Evicted between the look and the open: rare; the client's retry fetches it again.
      throw RegistryErrors.httpError(
          HttpResponseStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "manifest " + digest + " evicted");
    }
    String type = info.map(BlobInfo::mediaType).orElse(MediaTypes.OCI_MANIFEST);
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(BlobHeads.DIGEST_HEADER, digest.toString())
        .set(HttpHeaderNames.ETAG, "\"" + digest + "\"")
        .set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    if (warning != null) {
      head.headers().set(HttpHeaderNames.WARNING, warning);
    }
    ex.respondFile(head, open.channel(), 0, open.count());
  }

  /** The media types the client accepts, without parameters; all manifest types when none. */
  static List<String> accept(Exchange ex) {
    List<String> out = new ArrayList<>();
    for (String header : ex.request().headers().getAll(HttpHeaderNames.ACCEPT)) {
      for (String part : header.split(",")) {
        String type = part.split(";", 2)[0].strip();
        if (!type.isEmpty() && !type.equals("*/*") && !out.contains(type)) {
          out.add(type);
        }
      }
    }
    return out.isEmpty() ? MediaTypes.MANIFEST_TYPES : List.copyOf(out);
  }

  private static String tag(String reference) throws HttpError {
    try {
      return ImageReference.validateTag(reference);
    } catch (InvalidReferenceException e) {
      throw RegistryErrors.httpError(HttpResponseStatus.BAD_REQUEST, "TAG_INVALID", e.getMessage());
    }
  }

  private static Descriptor present(Optional<Descriptor> d, String repo, String reference)
      throws NotFoundException {
    return d.orElseThrow(
        () -> new NotFoundException("manifest " + repo + ":" + reference + " unknown", List.of()));
  }
}
