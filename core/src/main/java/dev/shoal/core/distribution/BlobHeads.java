package dev.shoal.core.distribution;

import dev.shoal.core.digest.Digest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The head of a blob GET or HEAD answer, the same for the origin and the agent's mirror. */
public final class BlobHeads {
  /** The header naming the digest of what is sent. */
  public static final String DIGEST_HEADER = "Docker-Content-Digest";

  private BlobHeads() {}

  /**
   * 200 for the whole blob or 206 with {@code Content-Range} for a range of it, with the digest,
   * {@code Accept-Ranges}, an {@code ETag} and the API version; the caller sets the length.
   */
  public static HttpResponse of(Digest digest, ByteRange range, long size) {
    HttpResponse head =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1,
            range.partial() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
        .set(DIGEST_HEADER, digest.toString())
        .set(HttpHeaderNames.ACCEPT_RANGES, "bytes")
        .set(HttpHeaderNames.ETAG, "\"" + digest + "\"")
        .set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    if (range.partial()) {
      head.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
    }
    return head;
  }
}
