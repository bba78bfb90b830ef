package dev.shoal.agent.mirror;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the mirror did since start: requests, and where the blob bytes it sent came from (the local
 * store, or an upstream download it streamed while writing).
 */
public final class MirrorMetrics {
  private final LongAdder manifestRequests = new LongAdder();
  private final LongAdder blobRequests = new LongAdder();
  private final LongAdder blobHits = new LongAdder();
  private final LongAdder bytesFromStore = new LongAdder();
  private final LongAdder bytesFromUpstream = new LongAdder();
  private final LongAdder staleTags = new LongAdder();

  void manifestRequest() {
    manifestRequests.increment();
  }

  /** A blob request; {@code hit} when the blob was already complete in the store. */
  void blobRequest(boolean hit) {
    blobRequests.increment();
    if (hit) {
      blobHits.increment();
    }
  }

  void servedFromStore(long bytes) {
    bytesFromStore.add(bytes);
  }

  void servedFromUpstream(long bytes) {
    bytesFromUpstream.add(bytes);
  }

  void staleTag() {
    staleTags.increment();
  }

  public long manifestRequests() {
    return manifestRequests.sum();
  }

  public long blobRequests() {
    return blobRequests.sum();
  }

  public long blobHits() {
    return blobHits.sum();
  }

  /** Blob bytes sent from complete blobs of the store. */
  public long bytesFromStore() {
    return bytesFromStore.sum();
  }

  /** Blob bytes sent while they were being downloaded from an upstream. */
  public long bytesFromUpstream() {
    return bytesFromUpstream.sum();
  }

  /** Tags answered from the cache because the upstream was unreachable. */
  public long staleTags() {
    return staleTags.sum();
  }
}
