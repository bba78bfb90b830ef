package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;

/**
 * Told when the store removed a blob (evicted, or deleted on request), so that what was derived
 * from it elsewhere (an agent's unpacked layers) can go too. Called on the removing thread after
 * the removal, outside the store's locks; it may block for a while but must not throw.
 */
@FunctionalInterface
public interface BlobRemovalListener {
  void removed(Digest digest);
}
