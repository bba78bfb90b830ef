package dev.shoal.origin.api;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.store.BlobInfo;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.api.UploadArea.RunningHash;
import dev.shoal.origin.meta.RegistryMetadata;
import dev.shoal.origin.meta.UploadSession;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Blob uploads (end-4a, end-4b, end-5, end-6, end-11, end-13 of the distribution spec): POST to
 * start (or to mount, or to push whole with {@code ?digest=}), PATCH chunks in order, PUT to
 * finish, GET for the status, DELETE to cancel. Sessions and their files survive a restart.
 */
final class Uploads {
  private static final String UUID_HEADER = "Docker-Upload-UUID";
  private static final String BLOB_TYPE = "application/octet-stream";

  private final ContentStore store;
  private final RegistryMetadata meta;
  private final UploadArea area;
  private final ApiMetrics metrics;

  Uploads(ContentStore store, RegistryMetadata meta, UploadArea area, ApiMetrics metrics) {
    this.store = store;
    this.meta = meta;
    this.area = area;
    this.metrics = metrics;
  }

  /** POST /v2/name/blobs/uploads/ */
  BodyConsumer start(Exchange ex, ApiPath path, boolean fromReadable) throws Exception {
    String repo = path.repository();
    String mount = ex.query("mount");
    String from = ex.query("from");
    if (mount != null && from != null) {
      Digest d = Blobs.parseDigest(mount);
      Optional<BlobInfo> held =
          fromReadable && meta.blobLinked(from, d)
              ? store.info(d).filter(BlobInfo::complete)
              : Optional.empty();
      if (held.isPresent()) {
        meta.linkBlob(repo, d, held.get().size());
        metrics.mounted();
        ex.respond(created(repo, d));
        return null;
      }
      // Not mountable: the spec says to fall back to an upload session.
    }
    String digest = ex.query("digest");
    Digest d = digest == null ? null : Blobs.parseDigest(digest);
    UploadSession session = meta.startUpload(repo);
    if (d == null) {
      // Most uploads end with a sha256 digest: hash as the chunks come, to spare a second read.
      area.putHash(session.id(), new RunningHash(new Hashing(DigestAlgorithm.SHA256), 0));
      ex.respond(progress(HttpResponseStatus.ACCEPTED, session, 0));
      return null;
    }
    // A new session is never being swept: the lease is always granted.
    UploadArea.Lease lease = area.acquire(session.id());
    Hashing hashing = new Hashing(d.algorithm());
    return area.append(
        lease,
        session.id(),
        0,
        (e, written) -> {
          metrics.uploaded(written);
          finish(e, session, d, new RunningHash(hashing, written));
        },
        () -> abandon(session),
        hashing);
  }

  /** PATCH /v2/name/blobs/uploads/id */
  BodyConsumer patch(Exchange ex, ApiPath path) throws Exception {
    return leased(
        path,
        (lease, s) -> {
          String range = ex.header(HttpHeaderNames.CONTENT_RANGE);
          if (range != null) {
            long start = rangeStart(range);
            if (start != s.offset()) {
              throw outOfOrder(s, range);
            }
          }
          return appendBody(
              lease,
              s,
              (e, offset, hash) -> {
                meta.advanceUpload(s.id(), offset);
                if (hash != null) {
                  area.putHash(s.id(), hash);
                }
                e.respond(progress(HttpResponseStatus.ACCEPTED, s, offset));
              });
        });
  }

  /** PUT /v2/name/blobs/uploads/id?digest= */
  BodyConsumer put(Exchange ex, ApiPath path) throws Exception {
    return leased(
        path,
        (lease, s) -> {
          String digest = ex.query("digest");
          if (digest == null) {
            throw ApiErrors.digestInvalid("the final PUT of an upload needs ?digest=");
          }
          Digest d = Blobs.parseDigest(digest);
          return appendBody(lease, s, (e, offset, hash) -> finish(e, s, d, hash));
        });
  }

  /** GET /v2/name/blobs/uploads/id */
  void status(Exchange ex, ApiPath path) throws Exception {
    UploadSession s = session(path);
    ex.respond(progress(HttpResponseStatus.NO_CONTENT, s, s.offset()));
  }

  /** DELETE /v2/name/blobs/uploads/id */
  void cancel(Exchange ex, ApiPath path) throws Exception {
    UploadArea.Lease lease = lease(path);
    try {
      abandon(session(path));
    } finally {
      lease.close();
    }
    ex.respond(status(HttpResponseStatus.NO_CONTENT));
  }

  /**
   * What a PATCH or PUT does once its body is in the session's file: {@code offset} is the
   * session's length with the body, {@code hash} the running hash over all of it (null when the
   * session keeps none).
   */
  @FunctionalInterface
  private interface Appended {
    void run(Exchange ex, long offset, RunningHash hash) throws Exception;
  }

  /**
   * Appends the request body to session {@code s} at its offset, hashing on where the session's
   * running hash left off (taken for this request, so that a failed body never leaves its bytes in
   * it), then hands on to {@code appended}.
   */
  private BodyConsumer appendBody(UploadArea.Lease lease, UploadSession s, Appended appended)
      throws IOException {
    RunningHash hash = area.takeHash(s.id(), s.offset());
    return area.append(
        lease,
        s.id(),
        s.offset(),
        (e, written) -> {
          metrics.uploaded(written);
          long offset = s.offset() + written;
          appended.run(e, offset, hash == null ? null : new RunningHash(hash.hashing(), offset));
        },
        () -> {},
        hash == null ? null : hash.hashing());
  }

  /** A request that writes to a session it holds: it hands the lease on, or fails. */
  @FunctionalInterface
  private interface Writer {
    BodyConsumer start(UploadArea.Lease lease, UploadSession session) throws Exception;
  }

  /** Runs {@code writer} holding the session; releases it if the writer fails. */
  private BodyConsumer leased(ApiPath path, Writer writer) throws Exception {
    UploadArea.Lease lease = lease(path);
    try {
      return writer.start(lease, session(path));
    } catch (Exception | Error e) {
      lease.close();
      throw e;
    }
  }

  /**
   * Holds the session for this request; the caller reads it only after, so that it reads what the
   * sweeper left. A session being swept is unknown already.
   */
  private UploadArea.Lease lease(ApiPath path) throws HttpError {
    UploadArea.Lease lease = area.acquire(path.argument());
    if (lease == null) {
      throw ApiErrors.uploadUnknown(path.argument());
    }
    return lease;
  }

  private void finish(Exchange ex, UploadSession s, Digest digest, RunningHash hash)
      throws Exception {
    BlobInfo stored;
    try {
      stored =
          hash != null && hash.hashing().algorithm() == digest.algorithm()
              ? store.commitHashedFile(
                  digest, area.file(s.id()), hash.offset(), hash.hashing().digest(), BLOB_TYPE)
              : store.commitFile(digest, area.file(s.id()), BLOB_TYPE);
    } catch (DigestMismatchException e) {
      meta.endUpload(s.id());
      throw ApiErrors.digestInvalid(e.getMessage());
    }
    meta.linkBlob(s.repository(), digest, stored.size());
    meta.endUpload(s.id());
    ex.respond(created(s.repository(), digest));
  }

  private void abandon(UploadSession s) {
    area.forgetHash(s.id());
    try {
      meta.endUpload(s.id());
      Files.deleteIfExists(area.file(s.id()));
    } catch (IOException e) {
      // A leftover file or session is swept later; the client already got its answer.
    }
  }

  private UploadSession session(ApiPath path) throws Exception {
    UploadSession s =
        meta.upload(path.argument()).orElseThrow(() -> ApiErrors.uploadUnknown(path.argument()));
    if (!s.repository().equals(path.repository())) {
      throw ApiErrors.uploadUnknown(path.argument());
    }
    return s;
  }

  private static long rangeStart(String contentRange) throws HttpError {
    String r = contentRange.trim();
    if (r.startsWith("bytes ")) {
      r = r.substring(6);
    }
    int dash = r.indexOf('-');
    try {
      return Long.parseLong(dash < 0 ? r : r.substring(0, dash));
    } catch (NumberFormatException e) {
      throw ApiErrors.uploadInvalid(
          HttpResponseStatus.BAD_REQUEST,
          "Content-Range: \"" + contentRange + "\" (expected: N-M)");
    }
  }

  private static HttpError outOfOrder(UploadSession s, String range) {
    return new HttpError(
        "chunk out of order",
        () -> {
          FullHttpResponse r =
              RegistryErrors.error(
                  HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                  "BLOB_UPLOAD_INVALID",
                  "chunk " + range + " does not start at the upload's offset " + s.offset(),
                  java.util.Map.of());
          setProgressHeaders(r, s, s.offset());
          return r;
        });
  }

  private static FullHttpResponse progress(
      HttpResponseStatus status, UploadSession s, long offset) {
    FullHttpResponse r = status(status);
    setProgressHeaders(r, s, offset);
    return r;
  }

  private static void setProgressHeaders(FullHttpResponse r, UploadSession s, long offset) {
    r.headers()
        .set(HttpHeaderNames.LOCATION, "/v2/" + s.repository() + "/blobs/uploads/" + s.id())
        .set(HttpHeaderNames.RANGE, "0-" + Math.max(0, offset - 1))
        .set(UUID_HEADER, s.id());
  }

  static FullHttpResponse created(String repo, Digest d) {
    FullHttpResponse r = status(HttpResponseStatus.CREATED);
    r.headers()
        .set(HttpHeaderNames.LOCATION, "/v2/" + repo + "/blobs/" + d)
        .set(Blobs.DIGEST_HEADER, d.toString());
    return r;
  }

  static FullHttpResponse status(HttpResponseStatus status) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    return r;
  }
}
