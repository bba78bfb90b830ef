package dev.shoal.bench;

import dev.shoal.agent.unpack.LayerCache;
import dev.shoal.agent.unpack.UnpackLimits;
import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shoal's layer unpacking ({@link LayerCache#unpack}: gunzip, diff id check, path checks, writing
 * the files with their modes and owners) against {@code tar -xzf} of the same gzip layer, each into
 * a fresh directory, alternating which goes first. Run by bench/run-runtime.sh, as root.
 *
 * <pre>
 *   UnpackTimer warm LAYER DIFF_ID WORK RUNS   one warm-up unpack (reported, not counted), then
 *                                              RUNS timed pairs; medians on the last line
 *   UnpackTimer once LAYER DIFF_ID DIR         one unpack into DIR, its in-JVM time (a cold JVM)
 * </pre>
 *
 * <p>Shoal is timed in this JVM, so its warm runs leave out the JVM's start and most of its JIT
 * compilation; {@code tar} is timed from its launch to its exit, a few milliseconds of exec
 * included. Each side's CPU time (user + system) is reported too, since on a shared machine it
 * moves less than wall time: this JVM's (all its threads, JIT and GC included) and {@code tar}'s
 * with its {@code gzip} (from {@code /usr/bin/time}). Removing the trees and {@code sync} (so that
 * one run's writeback does not land in the next) happen between runs, outside the timing.
 */
public final class UnpackTimer {
  private static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** One unpack: seconds of wall time and of CPU time. */
  private record Timing(double wall, double cpu) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.3f s (cpu %.3f s)", wall, cpu);
    }
  }

  private UnpackTimer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4 || !(args[0].equals("warm") || args[0].equals("once"))) {
      System.err.println(
          "usage: UnpackTimer warm LAYER DIFF_ID WORK RUNS | UnpackTimer once LAYER DIFF_ID DIR");
      System.exit(2);
    }
    Path layer = Path.of(args[1]);
    Digest diffId = Digest.parse(args[2]);
    Path work = Path.of(args[3]);
    readOnce(layer);
    if (args[0].equals("once")) {
      System.out.println("shoal unpack in a fresh JVM: " + shoal(layer, diffId, work));
      return;
    }
    int runs = Integer.parseInt(args[4]);
    if (runs < 1 || runs > 100) {
      throw new IllegalArgumentException("RUNS: " + runs + " (expected: 1..100)");
    }
    compare(layer, diffId, work, runs);
  }

  private static void compare(Path layer, Digest diffId, Path work, int runs) throws Exception {
    Timing first = shoal(layer, diffId, work.resolve("shoal-0"));
    Timing tarFirst = tar(layer, work.resolve("tar-0"));
    // Once, outside the timing: both trees must hold the same names, types, modes, owners, sizes
    // and link targets, or the two sides did not do the same work.
    String shoalTree = Processes.treeSummary(work.resolve("shoal-0").resolve(dirName(diffId)));
    String tarTree = Processes.treeSummary(work.resolve("tar-0"));
    if (!shoalTree.equals(tarTree)) {
      throw new IllegalStateException(
          "shoal and tar unpacked different trees: see "
              + work
              + "/shoal-0 and "
              + work
              + "/tar-0");
    }
    System.out.printf(
        Locale.ROOT,
        "warm-up (not counted): shoal %s (first unpack in this JVM), tar %s; same tree (%s)%n",
        first,
        tarFirst,
        shoalTree.substring(0, 12));
    drop(work);
    List<Timing> shoal = new ArrayList<>();
    List<Timing> tar = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      boolean tarFirstThisRun = run % 2 == 1;
      for (int i = 0; i < 2; i++) {
        if ((i == 0) == tarFirstThisRun) {
          tar.add(tar(layer, work.resolve("tar-" + run)));
        } else {
          shoal.add(shoal(layer, diffId, work.resolve("shoal-" + run)));
        }
        drop(work);
      }
      System.out.printf(
          Locale.ROOT,
          "run %d: tar %s, shoal %s (%s first); load %s%n",
          run,
          tar.get(run - 1),
          shoal.get(run - 1),
          tarFirstThisRun ? "tar" : "shoal",
          Processes.loadAverage());
    }
    System.out.printf(
        Locale.ROOT,
        "medians: tar=%.3f shoal=%.3f tar_cpu=%.3f shoal_cpu=%.3f shoal_first=%.3f%n",
        Throughput.median(tar.stream().map(Timing::wall).toList()),
        Throughput.median(shoal.stream().map(Timing::wall).toList()),
        Throughput.median(tar.stream().map(Timing::cpu).toList()),
        Throughput.median(shoal.stream().map(Timing::cpu).toList()),
        first.wall());
  }

  /** LayerCache unpacking the layer into a fresh cache under {@code dir}. */
  private static Timing shoal(Path layer, Digest diffId, Path dir) throws IOException {
    LayerCache cache = new LayerCache(dir, UnpackLimits.defaults());
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    Path unpacked = cache.unpack(diffId, MEDIA_TYPE, layer);
    Timing t = new Timing((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpu) / 1e9);
    if (!Files.isDirectory(unpacked)) {
      throw new IllegalStateException("no layer directory at " + unpacked);
    }
    return t;
  }

  /**
   * {@code tar -xzf} into a fresh {@code dir}, as root keeping owners and modes as Shoal does, and
   * with numeric owners (Shoal does not look names up either).
   */
  private static Timing tar(Path layer, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path times = Files.createTempFile("shoal-unpack-time-", ".txt");
    try {
      long start = System.nanoTime();
      Processes.run(
          "/usr/bin/time",
          "-f",
          "%U %S",
          "-o",
          times.toString(),
          "tar",
          "-C",
          dir.toString(),
          "--same-owner",
          "--same-permissions",
          "--numeric-owner",
          "-xzf",
          layer.toString());
      double wall = (System.nanoTime() - start) / 1e9;
      // The last line: time writes "Command exited with …" above it only on failure.
      List<String> lines = Files.readAllLines(times);
      String[] userSys = lines.get(lines.size() - 1).strip().split(" ");
      return new Timing(wall, Double.parseDouble(userSys[0]) + Double.parseDouble(userSys[1]));
    } finally {
      Files.deleteIfExists(times);
    }
  }

  /** CPU time of this JVM, every thread. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Removes every tree under {@code work} and flushes the page cache's dirty pages. */
  private static void drop(Path work) throws IOException, InterruptedException {
    try (var trees = Files.list(work)) {
      for (Path p : trees.toList()) {
        Processes.run("rm", "-rf", "--one-file-system", p.toString());
      }
    }
    Processes.run("sync");
  }

  private static String dirName(Digest diffId) {
    return diffId.algorithm().prefix() + "-" + diffId.hex();
  }

  /** Reads the layer once, so both sides find it in the page cache. */
  private static void readOnce(Path layer) throws IOException {
    try (InputStream in = Files.newInputStream(layer)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }
}
