package dev.shoal.origin.api;

import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The origin's registry API below {@code /v2/} (OCI Distribution Specification v1.1): picks the
 * endpoint by path and method; each endpoint family lives in its own class.
 */
final class DistributionApi implements RequestHandler {
  private final Blobs blobs;
  private final Uploads uploads;
  private final Manifests manifests;
  private final Listings listings;
  private final Availability availability;

  DistributionApi(
      ContentStore store, RegistryMetadata meta, Path uploadDir, Clock clock, ApiMetrics metrics)
      throws IOException {
    this.blobs = new Blobs(store, meta);
    this.uploads = new Uploads(store, meta, uploadDir, metrics);
    this.manifests = new Manifests(store, meta, clock);
    this.listings = new Listings(meta);
    this.availability = new Availability(store, meta);
  }

  @Override
  public BodyConsumer handle(Exchange ex) throws Exception {
    ApiPath path = ApiPath.parse(ex.path());
    HttpMethod m = ex.method();
    boolean read = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
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
          return uploads.start(ex, path);
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

  private static Exception notAllowed(HttpMethod m, String path) {
    return ApiErrors.unsupported("method " + m + " is not allowed on " + path);
  }
}
