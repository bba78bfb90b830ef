package dev.shoal.agent.fetch;

import java.io.IOException;
import java.io.InputStream;

/** Where a fetch reads a blob's bytes from: an upstream registry, for now. */
public interface BlobSource {
  /** The blob's bytes from {@code offset} to its end, unverified; the caller closes the stream. */
  InputStream open(long offset) throws IOException;

  /** For logs and metrics, e.g. the upstream's name. */
  String name();
}
