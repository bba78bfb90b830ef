package dev.shoal.agent.peer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.ByteString;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.AnnounceRequest;
import dev.shoal.proto.peer.v1.Holder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a home peer heard from downloaders of its blobs: who holds which pieces. Announcements older
 * than {@link #FORGET_AFTER} are dropped (a holder that went away stops announcing), and so are
 * blobs nobody announced lately, so the registry stays small without a sweep.
 */
final class HolderRegistry {
  /** How long an announcement counts. Downloaders announce at least every second. */
  static final Duration FORGET_AFTER = Duration.ofSeconds(30);

  /**
   * Holders listed in one answer at most. A thousand downloaders of one blob ask its home every
   * refresh; whole lists (with a piece bitmap each) would make the home send megabytes a second.
   * Each asker gets a different random sample instead, and learns of more at its next refresh.
   */
  static final int MAX_LISTED = 32;

  /** Blobs remembered at most; the least recently announced go first. */
  static final long MAX_BLOBS = 100_000;

  private record Entry(Holder holder, long atMillis) {}

  private final Clock clock;
  private final Cache<Digest, Map<String, Entry>> blobs;

  HolderRegistry(Clock clock) {
    this.clock = clock;
    this.blobs =
        Caffeine.newBuilder()
            .maximumSize(MAX_BLOBS)
            .expireAfterWrite(FORGET_AFTER)
            .ticker(() -> clock.millis() * 1_000_000L)
            .build();
  }

  void announce(Digest digest, AnnounceRequest a) {
    Holder h =
        Holder.newBuilder()
            .setAddress(a.getAddress())
            .setPieces(a.getComplete() ? ByteString.EMPTY : a.getPieces())
            .setComplete(a.getComplete())
            .setZone(a.getZone())
            .setRegion(a.getRegion())
            .build();
    blobs
        .asMap()
        .compute(
            digest,
            (d, m) -> {
              Map<String, Entry> map = m == null ? new ConcurrentHashMap<>() : m;
              map.put(a.getAddress(), new Entry(h, clock.millis()));
              return map;
            });
  }

  /**
   * The holders announced within {@link #FORGET_AFTER}, most recent first; when more than {@link
   * #MAX_LISTED}, a random sample of that many, complete holders first.
   */
  List<Holder> holders(Digest digest) {
    Map<String, Entry> map = blobs.getIfPresent(digest);
    if (map == null) {
      return List.of();
    }
    long oldest = clock.millis() - FORGET_AFTER.toMillis();
    map.values().removeIf(e -> e.atMillis() < oldest);
    List<Entry> fresh = new ArrayList<>(map.values());
    if (fresh.size() > MAX_LISTED) {
      Collections.shuffle(fresh, ThreadLocalRandom.current());
      // Stable: complete holders first, in random order, then the others, in random order.
      fresh.sort((x, y) -> Boolean.compare(y.holder().getComplete(), x.holder().getComplete()));
      fresh = new ArrayList<>(fresh.subList(0, MAX_LISTED));
    }
    fresh.sort((x, y) -> Long.compare(y.atMillis(), x.atMillis()));
    return fresh.stream().map(Entry::holder).toList();
  }
}
