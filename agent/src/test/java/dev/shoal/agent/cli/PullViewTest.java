package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.proto.control.v1.BlobProgress;
import dev.shoal.proto.control.v1.PullProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code shoal pull} draws progress on a terminal and in a log. */
class PullViewTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final long MIB = 1 << 20;

  @Test
  void terminal_redrawsOneLinePerLayerInPlace_withBarRateAndSources() {
    StringWriter text = new StringWriter();
    PullView view = new PullView(new PrintWriter(text), true);

    view.update(progress(0, blob(A, 0, Map.of(), false), blob(B, 4 * MIB, local(4), true)));
    String first = text.toString();
    assertThat(first).doesNotContain("\033[2A");
    assertThat(first.split("\n")).hasSize(2);
    assertThat(first).contains("aaaaaaaaaaaa [>").contains("0 B / 4.0 MiB").contains("waiting");
    assertThat(first).contains("bbbbbbbbbbbb [========================] 4.0 MiB / 4.0 MiB");

    text.getBuffer().setLength(0);
    Map<String, Long> split =
        Map.of("peer 10.0.0.2:5052", (long) (1.2 * MIB), "upstream registry.example", 8 * MIB / 10);
    view.update(progress(1000, blob(A, 2 * MIB, split, false), blob(B, 4 * MIB, local(4), true)));
    String second = text.toString();
    // Cursor up over the two lines drawn before, each line erased and drawn again.
    assertThat(second).startsWith("\033[2A\r\033[2K");
    assertThat(second)
        .contains("aaaaaaaaaaaa [============>           ] 2.0 MiB / 4.0 MiB")
        .contains("2.0 MiB/s")
        .contains("peer 10.0.0.2:5052 60% origin 40%");

    // Done at 2 s: its rate stays what it was then, however long the other layers take.
    view.update(progress(2000, blob(A, 4 * MIB, split, true), blob(B, 4 * MIB, local(4), true)));
    text.getBuffer().setLength(0);
    view.update(progress(9000, blob(A, 4 * MIB, split, true), blob(B, 4 * MIB, local(4), true)));
    assertThat(text.toString()).contains("4.0 MiB / 4.0 MiB      2.0 MiB/s  done  peer");
  }

  @Test
  void log_printsEachLayerOnceWhenItCompletes_thenTheSummary() {
    StringWriter text = new StringWriter();
    PullView view = new PullView(new PrintWriter(text), false);
    Map<String, Long> origin = Map.of("upstream registry.example", 4 * MIB);

    view.update(progress(0, blob(A, MIB, Map.of("upstream r", MIB), false)));
    view.update(progress(2000, blob(A, 4 * MIB, origin, true)));
    view.update(progress(2200, blob(A, 4 * MIB, origin, true)));
    PullProgress last =
        progress(2200, blob(A, 4 * MIB, origin, true)).toBuilder()
            .setDone(true)
            .setTotalBytes(4 * MIB)
            .setUpstreamBytes(4 * MIB)
            .build();
    view.summary(last);

    assertThat(text.toString().split("\n"))
        .containsExactly(
            "aaaaaaaaaaaa [========================] 4.0 MiB / 4.0 MiB      1.5 MiB/s  done  origin"
                + " 100%",
            "pulled demo/app:v1 (sha256:" + "c".repeat(64) + "): 1 blobs, 4.0 MiB in 2.2s",
            "  from local 0 B, peers 0 B, origin 4.0 MiB");
  }

  private static Map<String, Long> local(long mib) {
    return Map.of("local", mib * MIB);
  }

  private static BlobProgress blob(String digest, long done, Map<String, Long> from, boolean end) {
    return BlobProgress.newBuilder()
        .setDigest(digest)
        .setSize(4 * MIB)
        .setBytesDone(done)
        .putAllBytesBySource(from)
        .setDone(end)
        .build();
  }

  private static PullProgress progress(long elapsed, BlobProgress... blobs) {
    return PullProgress.newBuilder()
        .setImage("demo/app:v1")
        .setManifestDigest("sha256:" + "c".repeat(64))
        .setElapsedMillis(elapsed)
        .addAllBlobs(java.util.List.of(blobs))
        .build();
  }
}
