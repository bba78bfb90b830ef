package dev.shoal.origin.api;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.InvalidManifestException;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.oci.ParsedManifest;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.meta.ManifestMeta;
import dev.shoal.origin.meta.ManifestReferencedException;
import dev.shoal.origin.meta.MissingReferenceException;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;

/** {@code GET}, {@code HEAD}, {@code PUT}, {@code DELETE /v2/<name>/manifests/<reference>}. */
final class Manifests {
  private final ContentStore store;
  private final RegistryMetadata meta;
  private final Clock clock;
  private final ApiMetrics metrics;

  Manifests(ContentStore store, RegistryMetadata meta, Clock clock, ApiMetrics metrics) {
    this.store = store;
    this.meta = meta;
    this.clock = clock;
    this.metrics = metrics;
  }

  void get(Exchange ex, ApiPath path) throws Exception {
    ManifestMeta m = resolve(path);
    BlobRange open = store.openRange(m.digest(), 0, -1);
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, m.mediaType())
        .set(Blobs.DIGEST_HEADER, m.digest().toString())
        .set(HttpHeaderNames.ETAG, "\"" + m.digest() + "\"")
        .set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    ex.respondFile(head, open.channel(), open.position(), open.count());
  }

  BodyConsumer put(Exchange ex, ApiPath path) throws HttpError {
    String reference = path.argument();
    boolean byDigest = reference.contains(":");
    if (!byDigest) {
      validTag(reference);
    }
    String contentType = ex.header(HttpHeaderNames.CONTENT_TYPE);
    return new BodyBuffer(
        dev.shoal.core.oci.Manifests.MAX_MANIFEST_BYTES,
        (e, body) -> store(e, path.repository(), reference, byDigest, contentType, body));
  }

  private void store(
      Exchange ex, String repo, String reference, boolean byDigest, String contentType, byte[] raw)
      throws Exception {
    ParsedManifest parsed;
    try {
      parsed = dev.shoal.core.oci.Manifests.parse(raw, contentType);
    } catch (InvalidManifestException e) {
      throw ApiErrors.manifestInvalid(e.getMessage());
    }
    Digest digest = parsed.digest();
    if (byDigest) {
      Digest claimed = Blobs.parseDigest(reference);
      Digest actual = Hashing.ofBytes(claimed.algorithm(), raw);
      if (!actual.equals(claimed)) {
        throw ApiErrors.digestInvalid(
            "manifest bytes hash to " + actual + ", not to " + claimed + " from the URL");
      }
      digest = claimed;
    }
    List<Digest> refs =
        parsed.references().stream()
            .filter(d -> d.urls().isEmpty() && !MediaTypes.isNondistributableLayer(d.mediaType()))
            .map(Descriptor::digest)
            .toList();
    store.put(digest, new ByteArrayInputStream(raw), raw.length, parsed.mediaType());
    Descriptor subject = parsed.subject();
    ManifestMeta m =
        new ManifestMeta(
            digest,
            parsed.mediaType(),
            raw.length,
            refs,
            subject == null ? null : subject.digest(),
            artifactType(parsed),
            parsed.annotations(),
            clock.millis());
    try {
      meta.putManifest(repo, m, byDigest ? null : reference);
    } catch (MissingReferenceException e) {
      throw ApiErrors.manifestBlobUnknown(e.getMessage());
    }
    metrics.manifestPushed();
    FullHttpResponse r = Uploads.status(HttpResponseStatus.CREATED);
    r.headers()
        .set(HttpHeaderNames.LOCATION, "/v2/" + repo + "/manifests/" + digest)
        .set(Blobs.DIGEST_HEADER, digest.toString());
    if (subject != null) {
      r.headers().set("OCI-Subject", subject.digest().toString());
    }
    ex.respond(r);
  }

  void delete(Exchange ex, ApiPath path) throws Exception {
    String reference = path.argument();
    boolean deleted;
    try {
      deleted =
          reference.contains(":")
              ? meta.deleteManifest(path.repository(), Blobs.parseDigest(reference))
              : meta.deleteTag(path.repository(), validTag(reference));
    } catch (ManifestReferencedException e) {
      throw ApiErrors.manifestReferenced(
          reference, e.referencedBy().stream().map(Digest::toString).toList());
    }
    if (!deleted) {
      throw ApiErrors.manifestUnknown(reference);
    }
    ex.respond(Blobs.accepted());
  }

  private ManifestMeta resolve(ApiPath path) throws Exception {
    String reference = path.argument();
    Digest digest;
    if (reference.contains(":")) {
      digest = Blobs.parseDigest(reference);
    } else {
      digest =
          meta.tag(path.repository(), validTag(reference))
              .orElseThrow(() -> ApiErrors.manifestUnknown(reference));
    }
    return meta.manifest(path.repository(), digest)
        .orElseThrow(() -> ApiErrors.manifestUnknown(reference));
  }

  /** The artifact type the referrers API reports: the field, or else the config's media type. */
  static String artifactType(ParsedManifest m) {
    if (m.artifactType() != null) {
      return m.artifactType();
    }
    if (m instanceof dev.shoal.core.oci.ImageManifest im) {
      return im.config().mediaType();
    }
    return null;
  }

  private static String validTag(String tag) throws HttpError {
    try {
      return ImageReference.validateTag(tag);
    } catch (InvalidReferenceException e) {
      throw ApiErrors.of(HttpResponseStatus.BAD_REQUEST, "TAG_INVALID", e.getMessage());
    }
  }
}
