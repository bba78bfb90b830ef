package dev.shoal.agent.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The mounts of the agent's mount namespace under a directory, from {@code /proc/self/mountinfo}
 * (proc(5)), and their removal: a bundle is deleted only when nothing is mounted in it any more, so
 * that deleting it can never reach into an image's layers or a bind-mounted host directory.
 */
final class Mounts {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /** Mount points at or under {@code dir}, deepest first. */
  static List<Path> under(Path dir) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    List<Path> out = new ArrayList<>();
    if (!Files.exists(MOUNTINFO)) {
      return out;
    }
    for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length > 4) {
        Path point = Path.of(unescape(f[4]));
        if (point.startsWith(base)) {
          out.add(point);
        }
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return out;
  }

  /**
   * Unmounts everything at or under {@code dir}, deepest first (lazily when a plain unmount is
   * refused because something still uses it).
   *
   * @throws IOException naming what is still mounted
   */
  static void unmountUnder(Path dir) throws IOException {
    for (Path p : under(dir)) {
      if (!umount(p, false)) {
        umount(p, true);
      }
    }
    List<Path> left = under(dir);
    if (!left.isEmpty()) {
      throw new IOException("still mounted: " + left + ": unmount them (umount) and retry");
    }
  }

  private static boolean umount(Path point, boolean lazy) throws IOException {
    ProcessBuilder pb =
        lazy
            ? new ProcessBuilder("umount", "-l", point.toString())
            : new ProcessBuilder("umount", point.toString());
    Process p =
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while unmounting " + point);
    }
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
