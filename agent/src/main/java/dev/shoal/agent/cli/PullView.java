package dev.shoal.agent.cli;

import dev.shoal.proto.control.v1.BlobProgress;
import dev.shoal.proto.control.v1.PullProgress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code shoal pull} prints: on a terminal, one line per blob redrawn in place (ANSI cursor
 * up, erase line) with a bar, bytes, rate and sources; otherwise one line per blob as it completes.
 * Rates come from the agent's elapsed time, so the view needs no clock.
 */
final class PullView {
  private static final int BAR = 24;
  private static final String UP = "\033[%dA";
  private static final String ERASE = "\r\033[2K";

  private final PrintWriter out;
  private final boolean live;
  private final Map<String, long[]> firstSeen = new HashMap<>(); // digest → {elapsed, bytes}
  private final Map<String, Long> doneAt = new HashMap<>(); // digest → elapsed when first done
  private final Set<String> printed = new HashSet<>();
  private int drawn;

  PullView(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  void update(PullProgress p) {
    List<String> lines = new ArrayList<>();
    for (BlobProgress b : p.getBlobsList()) {
      firstSeen.putIfAbsent(b.getDigest(), new long[] {p.getElapsedMillis(), b.getBytesDone()});
      if (b.getDone()) {
        doneAt.putIfAbsent(b.getDigest(), p.getElapsedMillis());
      }
      if (live) {
        lines.add(line(b, p.getElapsedMillis()));
      } else if (b.getDone() && printed.add(b.getDigest())) {
        out.println(line(b, p.getElapsedMillis()));
      }
    }
    if (live) {
      if (drawn > 0) {
        out.print(String.format(Locale.ROOT, UP, drawn));
      }
      for (String l : lines) {
        out.print(ERASE + l + "\n");
      }
      drawn = lines.size();
    }
    out.flush();
  }

  /** {@code 3f4e5a6b7c8d [=====> ] 1.2 MiB / 4.0 MiB 2.1 MiB/s peer 10.0.0.2:5052 60% ...} */
  String line(BlobProgress b, long elapsedMillis) {
    String bytes = Human.bytes(b.getBytesDone()) + " / " + Human.bytes(b.getSize());
    String head = String.format(Locale.ROOT, "%-12s %s %-21s", shortDigest(b), bar(b), bytes);
    String tail = sources(b.getBytesBySourceMap());
    if (fetched(b.getBytesBySourceMap()) == 0) {
      return (head + "  " + (b.getDone() ? "done" : "waiting") + "  " + tail).stripTrailing();
    }
    return head + "  " + rate(b, elapsedMillis) + "  " + (b.getDone() ? "done  " : "") + tail;
  }

  void summary(PullProgress p) {
    double seconds = p.getElapsedMillis() / 1000.0;
    out.println(
        "pulled "
            + p.getImage()
            + " ("
            + p.getManifestDigest()
            + "): "
            + p.getBlobsCount()
            + " blobs, "
            + Human.bytes(p.getTotalBytes())
            + String.format(Locale.ROOT, " in %.1fs", seconds));
    out.println(
        "  from local "
            + Human.bytes(p.getLocalBytes())
            + ", peers "
            + Human.bytes(p.getPeerBytes())
            + ", origin "
            + Human.bytes(p.getUpstreamBytes()));
  }

  private String rate(BlobProgress b, long now) {
    // A finished blob keeps the rate it finished at.
    long elapsedMillis = doneAt.getOrDefault(b.getDigest(), now);
    long[] first = firstSeen.get(b.getDigest());
    long millis = elapsedMillis - first[0];
    long bytes = b.getBytesDone() - first[1];
    if (millis <= 0 || bytes <= 0) {
      // Done within the first report: the best measure is the whole pull's time so far.
      millis = elapsedMillis;
      bytes = fetched(b.getBytesBySourceMap());
    }
    return millis <= 0 ? "-" : Human.bytes(bytes * 1000 / millis) + "/s";
  }

  private static String shortDigest(BlobProgress b) {
    String d = b.getDigest();
    int colon = d.indexOf(':');
    String hex = d.substring(colon + 1);
    return hex.substring(0, Math.min(12, hex.length()));
  }

  private static String bar(BlobProgress b) {
    int full = b.getSize() == 0 ? BAR : (int) (BAR * b.getBytesDone() / b.getSize());
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < BAR; i++) {
      s.append(i < full ? '=' : i == full ? '>' : ' ');
    }
    return s.append(']').toString();
  }

  /** {@code peer 10.0.0.2:5052 60% origin 40%}, largest first. */
  static String sources(Map<String, Long> bySource) {
    long total = bySource.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return "";
    }
    Map<String, Long> named = new HashMap<>();
    bySource.forEach((k, v) -> named.merge(label(k), v, Long::sum));
    StringBuilder s = new StringBuilder();
    named.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                s.append(s.length() == 0 ? "" : " ")
                    .append(e.getKey())
                    .append(' ')
                    .append(Math.round(100.0 * e.getValue() / total))
                    .append('%'));
    return s.toString();
  }

  /** "upstream NAME" is the origin (or whatever registry the agent pulls through). */
  private static String label(String source) {
    return source.startsWith("upstream ") ? "origin" : source;
  }

  private static long fetched(Map<String, Long> bySource) {
    return bySource.entrySet().stream()
        .filter(e -> !e.getKey().equals("local"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }
}
