package dev.shoal.agent.peer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.Metadata;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who got each new piece first, kept by an agent fetching a blob from the upstream: the swarm's
 * only source of that blob's newest pieces.
 *
 * <p>Every downloader wants the newest piece as soon as it exists, and only this agent has it: each
 * asked for it, and this uplink sent every piece to nearly every downloader (1.1 times the image in
 * the benchmark, while the others sent 0.6) and became the swarm's bottleneck. Instead, the first
 * asker of a piece gets it, and a second one is told to take it from the first, which serves it as
 * soon as it holds it. Each reader is told so once per piece: if the first one fails it, asking
 * here again is served.
 */
final class FirstCopies {
  /** The trailer naming where a refused reader should take the piece from. */
  static final Metadata.Key<String> RELAY =
      Metadata.Key.of("shoal-relay", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * Per running fetch (its {@code BlobFetch}, by identity, dropped with it): per piece, its first
   * reader and who was sent there.
   */
  private final Cache<Object, Map<Integer, Piece>> fetches =
      Caffeine.newBuilder().weakKeys().build();

  private static final class Piece {
    final String first;
    final Set<String> sentOn = new HashSet<>();

    Piece(String first) {
      this.first = first;
    }
  }

  /**
   * Where {@code reader} should take {@code piece} from instead of here, or empty: serve it (the
   * first asker, the first one itself again, or a reader already sent on once).
   */
  Optional<String> relayFor(Object fetch, int piece, String reader) {
    if (reader.isEmpty()) {
      return Optional.empty();
    }
    Map<Integer, Piece> pieces = fetches.get(fetch, f -> new HashMap<>());
    synchronized (pieces) {
      Piece p = pieces.get(piece);
      if (p == null) {
        pieces.put(piece, new Piece(reader));
        return Optional.empty();
      }
      if (p.first.equals(reader) || !p.sentOn.add(reader)) {
        return Optional.empty();
      }
      return Optional.of(p.first);
    }
  }
}
