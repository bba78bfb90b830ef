package dev.shoal.agent.fetch;

import java.io.IOException;

/**
 * A source that fetches a blob's pieces from several places at once, in any order, checking each
 * against a piece table, rather than streaming it from one place. When it cannot make progress the
 * fetch reads what is still missing from its {@link #fallback()} (the upstream).
 */
public interface ParallelSource extends BlobSource {
  /**
   * Writes the pieces {@code target} lacks into it. Returns when none is missing.
   *
   * @throws IOException when no source made progress for the stall bound, or none is left; the
   *     pieces written stay
   */
  void download(PieceTarget target) throws IOException;

  /** Where the rest comes from when {@link #download} gives up, or its result was wrong. */
  BlobSource fallback();

  /** Whether {@link #download} should be tried: false once the source failed over. */
  boolean parallel();

  /** This source reads from its {@link #fallback()} from now on; true the first time. */
  @Override
  boolean failover();

  @Override
  default java.io.InputStream open(long offset) throws IOException {
    return fallback().open(offset);
  }
}
