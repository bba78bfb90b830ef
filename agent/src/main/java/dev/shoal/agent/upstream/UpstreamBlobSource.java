package dev.shoal.agent.upstream;

import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;

/** A blob's bytes from an upstream registry, read with the caller's client. */
public final class UpstreamBlobSource implements BlobSource {
  private final Upstream upstream;
  private final RegistryClient client;
  private final String repo;
  private final Digest digest;

  /**
   * @param authorization the caller's header, relayed when the upstream has no credentials
   */
  public UpstreamBlobSource(Upstream upstream, String repo, Digest digest, String authorization) {
    this.upstream = upstream;
    this.client = upstream.clientFor(authorization);
    this.repo = repo;
    this.digest = digest;
  }

  @Override
  public InputStream open(long offset) throws IOException {
    return client.openBlob(repo, digest, offset);
  }

  @Override
  public String kind() {
    return "upstream";
  }

  @Override
  public String name() {
    return "upstream " + upstream.name();
  }
}
