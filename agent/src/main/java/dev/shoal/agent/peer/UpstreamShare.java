package dev.shoal.agent.peer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.core.digest.Digest;
import java.time.Duration;

/**
 * Which blobs this agent, as their first home, leaves to the next home to read from the upstream.
 *
 * <p>Rendezvous hashing gives an image of a few large layers the same first home for two of them
 * more often than not (two of four layers on one of four hosts, nine times in ten). That host then
 * read two blobs from the upstream over one downlink, which it also shares with the pieces of the
 * other layers coming from peers; its upstream reads were the last to end, and the whole fleet
 * waited for their last pieces (in the benchmark, the upstream reads ended at 1.15 to 1.23 times
 * S/b). So a member already reading another blob from the upstream leaves a new one to the
 * next-ranked member, which every agent finds the same way, down to the last one asked, which reads
 * it whatever it does (see {@code SourcePlanner}).
 *
 * <p>The decision for a blob is made once and kept for {@link #REMEMBER}: every asker gets the same
 * answer, so the blob is still read from the upstream once.
 */
final class UpstreamShare {
  /** How long a decision is kept: longer than any one blob's download. */
  static final Duration REMEMBER = Duration.ofMinutes(10);

  /**
   * How long a blob this agent decided to read itself counts as being read, before its download
   * shows in {@link BlobFetches}: a runtime asks for all layers at once, and so do the other
   * agents, so the decisions for several blobs come within milliseconds of each other.
   */
  static final Duration STARTING = Duration.ofSeconds(5);

  private final BlobFetches fetches;
  private final Cache<Digest, Boolean> decided =
      Caffeine.newBuilder().expireAfterWrite(REMEMBER).maximumSize(100_000).build();
  private final Cache<Digest, Boolean> kept =
      Caffeine.newBuilder().expireAfterWrite(STARTING).maximumSize(100_000).build();

  UpstreamShare(BlobFetches fetches) {
    this.fetches = fetches;
  }

  /** Whether the next home, rather than this agent, reads {@code digest} from the upstream. */
  synchronized boolean defer(Digest digest) {
    Boolean d = decided.getIfPresent(digest);
    if (d == null) {
      d = fetches.anyInOrderOtherThan(digest) || keptOtherThan(digest);
      decided.put(digest, d);
      if (!d) {
        kept.put(digest, Boolean.TRUE);
      }
    }
    return d;
  }

  /**
   * This agent reads {@code digest} from the upstream, whatever it answered before (the last of its
   * readers may not leave it to another): other blobs go to the next member meanwhile.
   */
  synchronized void reading(Digest digest) {
    kept.put(digest, Boolean.TRUE);
  }

  private boolean keptOtherThan(Digest digest) {
    for (Digest k : kept.asMap().keySet()) {
      if (!k.equals(digest)) {
        return true;
      }
    }
    return false;
  }
}
