package dev.shoal.agent.mirror;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.peer.SourcePlanner;
import dev.shoal.agent.upstream.AccessControl;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.Upstreams;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.store.ContentStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;

/**
 * The pull side of the registry API under {@code /v2/}, through to the upstream that containerd's
 * {@code ?ns=} names (or the default one). Read-only: pushes go to the registry itself.
 */
public final class MirrorApi implements RequestHandler {
  private final Upstreams upstreams;
  private final ManifestService manifests;
  private final BlobService blobs;

  public MirrorApi(
      Upstreams upstreams,
      ContentStore store,
      BlobFetches fetches,
      SourcePlanner planner,
      AccessControl access,
      Duration tagTtl,
      Clock clock,
      MirrorMetrics metrics) {
    this.upstreams = requireNonNull(upstreams, "upstreams");
    this.manifests = new ManifestService(store, access, tagTtl, clock, metrics);
    this.blobs = new BlobService(store, fetches, planner, access, metrics);
  }

  @Override
  public BodyConsumer handle(Exchange ex) throws Exception {
    if (!(ex.method().equals(HttpMethod.GET) || ex.method().equals(HttpMethod.HEAD))) {
      throw RegistryErrors.httpError(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "UNSUPPORTED",
          "the agent mirror is read-only: push to the registry itself");
    }
    MirrorPath path = MirrorPath.parse(ex.path());
    String ns = ex.query("ns");
    Upstream upstream =
        upstreams
            .resolve(ns)
            .orElseThrow(
                () ->
                    RegistryErrors.httpError(
                        HttpResponseStatus.NOT_FOUND,
                        "NAME_UNKNOWN",
                        "no upstream is configured for registry "
                            + ns
                            + " (add it under mirror.upstreams in the agent's config)"));
    String repo = upstream.repository(path.repository());
    String auth = ex.header(HttpHeaderNames.AUTHORIZATION);
    if (path.manifest()) {
      manifests.serve(ex, upstream, repo, path.reference(), auth);
    } else {
      blobs.serve(ex, upstream, repo, path.reference(), auth);
    }
    return null;
  }
}
