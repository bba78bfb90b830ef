package dev.shoal.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The external commands {@link UnpackTimer} runs: tar, rm, sync, find. */
final class Processes {
  /** Longer than any unpack of a layer of a few hundred MiB on a loaded machine. */
  private static final long TIMEOUT_MINUTES = 20;

  private Processes() {}

  /** Runs a command with this process's stderr; fails unless it exits 0 within the timeout. */
  static void run(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    await(p, command);
  }

  /**
   * The sha256 of a sorted listing of the tree under {@code dir}: every entry's relative path,
   * type, mode, owner, group, size (of regular files) and link target.
   */
  static String treeSummary(Path dir) throws IOException, InterruptedException {
    Path listing = Files.createTempFile("shoal-unpack-tree-", ".txt");
    try {
      // Sizes of directories depend on the file system's history, not on what was unpacked.
      String script =
          "cd \"$1\" && find . -mindepth 1 -printf '%P\\t%y\\t%m\\t%U\\t%G\\t%l\\t'"
              + " \\( -type f -printf '%s' -o -printf '-' \\) -printf '\\n'"
              + " | LC_ALL=C sort | sha256sum";
      Process p =
          new ProcessBuilder("sh", "-c", script, "sh", dir.toString())
              .redirectOutput(listing.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      await(p, "find", dir.toString());
      return Files.readString(listing, StandardCharsets.UTF_8).strip().split(" ")[0];
    } finally {
      Files.deleteIfExists(listing);
    }
  }

  /** The 1-minute load average, for the run lines. */
  static String loadAverage() throws IOException {
    return List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).get(0);
  }

  private static void await(Process p, String... command) throws IOException, InterruptedException {
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(
          String.join(" ", command) + ": did not finish within " + TIMEOUT_MINUTES + " min");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + ": exited " + p.exitValue());
    }
  }
}
