package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.util.List;

/**
 * What one eviction run did.
 *
 * @param reason why it ran ({@code "disk 93.1% used (high watermark 90.0%)"}); empty when the store
 *     was within its limits and nothing was evicted
 * @param evicted the blobs removed, least recently used first
 * @param freedBytes bytes those blobs held
 * @param shortBytes bytes it still wanted to free but could not, because every remaining blob is
 *     pinned, in use or being downloaded
 */
public record EvictionReport(
    String reason, List<Digest> evicted, long freedBytes, long shortBytes) {
  static EvictionReport nothingToDo() {
    return new EvictionReport("", List.of(), 0, 0);
  }

  public boolean ran() {
    return !reason.isEmpty();
  }
}
