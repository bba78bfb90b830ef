package dev.shoal.core.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of what the store holds, set at open by reconciliation and kept by each change.
 */
final class StoreUsage {
  private final AtomicLong completeBlobs = new AtomicLong();
  private final AtomicLong completeBytes = new AtomicLong();
  private final AtomicLong partialBlobs = new AtomicLong();
  private final AtomicLong partialBytes = new AtomicLong();

  void reset(long cBlobs, long cBytes, long pBlobs, long pBytes) {
    completeBlobs.set(cBlobs);
    completeBytes.set(cBytes);
    partialBlobs.set(pBlobs);
    partialBytes.set(pBytes);
  }

  void completeAdded(long bytes) {
    completeBlobs.incrementAndGet();
    completeBytes.addAndGet(bytes);
  }

  void completeRemoved(long bytes) {
    completeBlobs.decrementAndGet();
    completeBytes.addAndGet(-bytes);
  }

  void partialStarted() {
    partialBlobs.incrementAndGet();
  }

  void pieceAdded(long bytes) {
    partialBytes.addAndGet(bytes);
  }

  void partialRemoved(long heldBytes) {
    partialBlobs.decrementAndGet();
    partialBytes.addAndGet(-heldBytes);
  }

  /** Bytes on disk that eviction accounts for. */
  long bytes() {
    return completeBytes.get() + partialBytes.get();
  }

  StoreStats snapshot() {
    return new StoreStats(
        completeBlobs.get(), partialBlobs.get(), completeBytes.get(), partialBytes.get());
  }
}
