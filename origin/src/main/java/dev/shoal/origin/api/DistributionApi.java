package dev.shoal.origin.api;

import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.http.Responses;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.auth.Action;
import dev.shoal.origin.auth.Authorizer;
import dev.shoal.origin.auth.Decision;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.Set;

/**
 * The origin's registry API below {@code /v2/} (OCI Distribution Specification v1.1): picks the
 * endpoint by path and method; each endpoint family lives in its own class.
 */
final class DistributionApi implements RequestHandler {
  private final Blobs blobs;
  private final Uploads uploads;
  private final Manifests manifests;
  private final Listings listings;
  private final Catalog catalog;
  private final Availability availability;
  private final Authorizer authorizer;

  DistributionApi(
      ContentStore store,
      RegistryMetadata meta,
      UploadArea uploadArea,
      Clock clock,
      ApiMetrics metrics,
      Authorizer authorizer) {
    this.authorizer = authorizer;
    this.blobs = new Blobs(store, meta, metrics);
    this.uploads = new Uploads(store, meta, uploadArea, metrics);
    this.manifests = new Manifests(store, meta, clock, metrics);
    this.listings = new Listings(meta);
    this.catalog = new Catalog(meta);
    this.availability = new Availability(store, meta);
  }

  @Override
  public BodyConsumer handle(Exchange ex) throws Exception {
    if (ex.path().equals("/v2/") || ex.path().equals("/v2")) {
      versionCheck(ex);
      return null;
    }
    HttpMethod m = ex.method();
    boolean read = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
    if (ex.path().equals(Catalog.PATH)) {
      if (!read) {
        throw notAllowed(m, ex.path());
      }
      Decision d = authorizer.authorizeCatalog(ex.header(HttpHeaderNames.AUTHORIZATION));
      if (!d.allowed()) {
        throw d.error();
      }
      catalog.list(ex, d.subject().orElseThrow());
      return null;
    }
    ApiPath path = ApiPath.parse(ex.path());
    authorize(ex, path, actions(path.kind(), m, read));
    switch (path.kind()) {
      case AVAILABILITY -> {
        if (m.equals(HttpMethod.POST)) {
          return availability.check(ex, path);
        }
        throw notAllowed(m, ex.path());
      }
      case BLOB -> {
        if (read) {
          blobs.get(ex, path);
        } else if (m.equals(HttpMethod.DELETE)) {
          blobs.delete(ex, path);
        } else {
          throw notAllowed(m, ex.path());
        }
        return null;
      }
      case UPLOADS -> {
        if (m.equals(HttpMethod.POST)) {
          String from = ex.query("from");
          // Mounting needs pull on the source too; without it, the blob is "not there" (202).
          boolean fromReadable =
              from != null
                  && authorizer
                      .authorize(
                          ex.header(HttpHeaderNames.AUTHORIZATION), from, Set.of(Action.PULL))
                      .allowed();
          return uploads.start(ex, path, fromReadable);
        }
        throw notAllowed(m, ex.path());
      }
      case UPLOAD -> {
        if (m.equals(HttpMethod.PATCH)) {
          return uploads.patch(ex, path);
        }
        if (m.equals(HttpMethod.PUT)) {
          return uploads.put(ex, path);
        }
        if (m.equals(HttpMethod.GET)) {
          uploads.status(ex, path);
          return null;
        }
        if (m.equals(HttpMethod.DELETE)) {
          uploads.cancel(ex, path);
          return null;
        }
        throw notAllowed(m, ex.path());
      }
      case MANIFEST -> {
        if (read) {
          manifests.get(ex, path);
          return null;
        }
        if (m.equals(HttpMethod.PUT)) {
          return manifests.put(ex, path);
        }
        if (m.equals(HttpMethod.DELETE)) {
          manifests.delete(ex, path);
          return null;
        }
        throw notAllowed(m, ex.path());
      }
      case TAGS -> {
        if (!read) {
          throw notAllowed(m, ex.path());
        }
        listings.tags(ex, path);
        return null;
      }
      case REFERRERS -> {
        if (!read) {
          throw notAllowed(m, ex.path());
        }
        listings.referrers(ex, path);
        return null;
      }
      default -> throw new IllegalStateException("unrouted " + path.kind());
    }
  }

  /**
   * {@code GET /v2/} ("Determining support"): 200 for valid credentials, otherwise 401 with the
   * challenge, so clients learn the token realm before their first real request.
   */
  private void versionCheck(Exchange ex) throws HttpError {
    if (!ex.method().equals(HttpMethod.GET) && !ex.method().equals(HttpMethod.HEAD)) {
      throw notAllowed(ex.method(), ex.path());
    }
    Decision d = authorizer.authenticate(ex.header(HttpHeaderNames.AUTHORIZATION));
    if (!d.allowed()) {
      throw d.error();
    }
    FullHttpResponse r =
        Responses.json(
            HttpResponseStatus.OK, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    ex.respond(r);
  }

  /** What a request needs: pull to read, pull and push to write, delete to delete. */
  private static Set<Action> actions(ApiPath.Kind kind, HttpMethod m, boolean read) {
    if (read) {
      return Set.of(Action.PULL);
    }
    if (m.equals(HttpMethod.DELETE)) {
      return kind == ApiPath.Kind.UPLOAD ? Set.of(Action.PUSH) : Set.of(Action.DELETE);
    }
    if (kind == ApiPath.Kind.AVAILABILITY) {
      return Set.of(Action.PULL);
    }
    return Set.of(Action.PULL, Action.PUSH);
  }

  /**
   * Refuses the request unless its credentials allow {@code actions} on the repository. Another
   * tenant's repository gets exactly the answer a missing one would.
   */
  private void authorize(Exchange ex, ApiPath path, Set<Action> actions) throws HttpError {
    Decision d =
        authorizer.authorize(ex.header(HttpHeaderNames.AUTHORIZATION), path.repository(), actions);
    if (d.allowed()) {
      return;
    }
    if (d.outcome() == Decision.Outcome.NOT_FOUND) {
      throw switch (path.kind()) {
        case BLOB -> ApiErrors.blobUnknown(path.argument());
        case MANIFEST -> ApiErrors.manifestUnknown(path.argument());
        case UPLOAD -> ApiErrors.uploadUnknown(path.argument());
        default -> ApiErrors.nameUnknown(path.repository());
      };
    }
    throw d.error();
  }

  private static HttpError notAllowed(HttpMethod m, String path) {
    return ApiErrors.unsupported("method " + m + " is not allowed on " + path);
  }
}
