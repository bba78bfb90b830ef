package dev.shoal.agent.runtime;

import dev.shoal.core.files.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a test that ran containers leaves behind, removed even when it failed: every container of
 * the agent's runc root (killed and deleted), then every mount under the test's directory.
 */
public final class RuncCleanup {
  private RuncCleanup() {}

  /**
   * Kills and deletes the containers under {@code <data>/runc}, then unmounts everything under
   * {@code dir}; returns what was still there (empty when the code under test cleaned up itself).
   */
  public static List<String> clean(Path data, Path dir) throws IOException, InterruptedException {
    List<String> found = new ArrayList<>();
    Path root = data.resolve("runc");
    if (Files.isDirectory(root)) {
      try (Stream<Path> ids = Files.list(root)) {
        for (Path id : ids.toList()) {
          found.add("runc container " + id.getFileName());
          run("runc", "--root", root.toString(), "delete", "--force", id.getFileName().toString());
        }
      }
    }
    for (Path m : Mounts.under(dir)) {
      found.add("mount " + m);
    }
    Mounts.unmountUnder(dir);
    return found;
  }

  /** Deletes a directory tree after {@link #clean}. */
  public static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      FileTrees.delete(dir);
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(30, TimeUnit.SECONDS);
  }
}
