package dev.shoal.core.testing;

import dev.shoal.core.files.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cleaning up after processes run as root: their mounts (read from {@code /proc/self/mountinfo})
 * and the file trees they left.
 */
final class RootCleanup {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private RootCleanup() {}

  /** Mount points at or below {@code dir}, deepest first. */
  static List<Path> under(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    if (Files.exists(root)) {
      root = root.toRealPath();
    }
    List<Path> out = new ArrayList<>();
    for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
      // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": field 5 is the mount
      // point.
      String[] f = line.split(" ");
      if (f.length > 4) {
        Path point = Path.of(unescape(f[4]));
        if (point.startsWith(root)) {
          out.add(point);
        }
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return out;
  }

  /**
   * Unmounts everything at or below {@code dir}, deepest first, lazily if a plain unmount fails.
   * Returns what is still mounted there afterwards.
   */
  static List<Path> unmountUnder(Path dir) throws IOException, InterruptedException {
    for (Path point : under(dir)) {
      if (!umount(point, false)) {
        umount(point, true);
      }
    }
    return under(dir);
  }

  private static boolean umount(Path point, boolean lazy) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("umount"));
    if (lazy) {
      cmd.add("--lazy");
    }
    cmd.add(point.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return false;
    }
    return p.exitValue() == 0;
  }

  /** mountinfo writes space, tab, newline and backslash as {@code \ooo} octal escapes. */
  private static String unescape(String field) {
    StringBuilder s = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        s.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  /** Whether this process runs as uid 0 ({@code /proc/self/status}). */
  static boolean runningAsRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    } catch (IOException e) {
      return false; // no /proc: not a Linux this fixture knows how to run containerd on
    }
  }

  /** Deletes {@code tree} and everything below it, never following a symbolic link. */
  static void deleteTree(Path tree) throws IOException {
    // An image's links to / stay links: FileTrees never follows one.
    FileTrees.delete(tree);
  }
}
