package dev.shoal.agent.upstream;

import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RangesUnsupportedException;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A blob's bytes from an upstream registry, read with the caller's client. */
public final class UpstreamBlobSource implements BlobSource {
  private static final Logger log = LoggerFactory.getLogger(UpstreamBlobSource.class);
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
  public boolean readsRanges() {
    return upstream.readsRanges();
  }

  @Override
  public InputStream openRange(long offset, long end) throws IOException {
    try {
      return client.openBlobRange(repo, digest, offset, end);
    } catch (RangesUnsupportedException e) {
      log.info(
          "upstream sends whole blobs only, reading them as one stream upstream={}",
          upstream.name());
      upstream.ignoresRanges();
      return null;
    }
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
