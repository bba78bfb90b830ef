package dev.shoal.agent.fetch;

import java.io.IOException;
import java.io.InputStream;

/** Where a fetch reads a blob's bytes from: an upstream registry, for now. */
public interface BlobSource {
  /** The blob's bytes from {@code offset} to its end, unverified; the caller closes the stream. */
  InputStream open(long offset) throws IOException;

  /**
   * Whether {@link #openRange} may be tried: this source can read part of a blob, as far as is
   * known.
   */
  default boolean readsRanges() {
    return false;
  }

  /**
   * Exactly the blob's bytes {@code [offset, end)}, unverified; null when this source turns out not
   * to read parts of a blob (from then on {@link #readsRanges()} says false).
   */
  default InputStream openRange(long offset, long end) throws IOException {
    return null;
  }

  /** For logs, e.g. {@code upstream registry.example.com}. */
  String name();

  /** For metrics: where the bytes come from now, {@code upstream} or {@code peer}. */
  String kind();

  /**
   * Called after a read from this source failed, or its bytes did not match the digest: true when
   * the next {@link #open} reads from a different source, so that trying again makes sense.
   */
  default boolean failover() {
    return false;
  }

  /** Called when the blob this source sent did not match its digest, to avoid it for a while. */
  default void distrust() {}
}
