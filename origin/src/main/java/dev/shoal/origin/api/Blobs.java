package dev.shoal.origin.api;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import dev.shoal.core.distribution.BlobHeads;
import dev.shoal.core.distribution.ByteRange;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.store.BlobNotFoundException;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;

/** {@code GET}, {@code HEAD} and {@code DELETE /v2/<name>/blobs/<digest>} (end-2, end-10). */
final class Blobs {
  static final String DIGEST_HEADER = BlobHeads.DIGEST_HEADER;

  private final ContentStore store;
  private final RegistryMetadata meta;
  private final ApiMetrics metrics;

  Blobs(ContentStore store, RegistryMetadata meta, ApiMetrics metrics) {
    this.store = store;
    this.meta = meta;
    this.metrics = metrics;
  }

  static Digest parseDigest(String text) throws HttpError {
    try {
      return Digest.parse(text);
    } catch (InvalidDigestException e) {
      throw ApiErrors.digestInvalid(e.getMessage());
    }
  }

  void get(Exchange ex, ApiPath path) throws HttpError, IOException {
    Digest digest = parseDigest(path.argument());
    if (!meta.blobLinked(path.repository(), digest)) {
      throw ApiErrors.blobUnknown(digest.toString());
    }
    // One open gives the size too: no separate record lookup on the hottest read path.
    BlobRange open;
    try {
      open = store.openRange(digest, 0, -1);
    } catch (BlobNotFoundException e) {
      throw ApiErrors.blobUnknown(digest.toString());
    }
    long size = open.count();
    ByteRange range;
    try {
      range = ByteRange.parse(ex.header(HttpHeaderNames.RANGE), size);
    } catch (HttpError e) {
      open.close();
      throw e;
    }
    HttpResponse head = BlobHeads.of(digest, range, size);
    ex.respondFile(head, open.channel(), range.start(), range.length());
    if (ex.method().equals(HttpMethod.GET)) {
      metrics.served(range.length());
    }
  }

  void delete(Exchange ex, ApiPath path) throws HttpError, IOException {
    Digest digest = parseDigest(path.argument());
    if (!meta.unlinkBlob(path.repository(), digest)) {
      throw ApiErrors.blobUnknown(digest.toString());
    }
    // The bytes stay: other repositories may use them; garbage collection removes unused ones.
    ex.respond(accepted());
  }

  static DefaultFullHttpResponse accepted() {
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.ACCEPTED);
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    return r;
  }
}
