package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises state changes of one digest (commit, delete, evict, completing a partial) without a
 * lock per digest: digests hash onto a fixed set of locks.
 */
final class StripedLocks {
  private final ReentrantLock[] locks;

  StripedLocks(int stripes) {
    locks = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  ReentrantLock of(Digest d) {
    // The hex is already uniformly distributed; its first bytes pick the stripe.
    int h = Integer.parseUnsignedInt(d.hex().substring(0, 7), 16);
    return locks[h % locks.length];
  }
}
