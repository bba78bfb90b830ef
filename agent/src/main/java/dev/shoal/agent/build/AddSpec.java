package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * One {@code --add SRC:DEST}: a file or directory of the build machine and where it goes in the
 * image. Each becomes one layer.
 *
 * @param source the file or directory; a directory's tree is added under {@code dest}
 * @param dest absolute path in the image, normalised ({@code /app/lib}); a trailing slash in the
 *     flag ({@code /app/}) means "into this directory" for a file, kept as {@code intoDirectory}
 * @param intoDirectory true when {@code dest} was written with a trailing slash
 */
public record AddSpec(Path source, String dest, boolean intoDirectory) {
  public AddSpec {
    requireNonNull(source, "source");
    requireNonNull(dest, "dest");
    if (!dest.startsWith("/")) {
      throw new IllegalArgumentException("dest: \"" + dest + "\" (expected: an absolute path)");
    }
  }

  /**
   * Parses {@code SRC:DEST}; the last {@code :} separates them, so {@code SRC} may contain colons.
   *
   * @throws IllegalArgumentException quoting the input and saying what was expected
   */
  public static AddSpec parse(String s) {
    requireNonNull(s, "s");
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException(
          "--add: \"" + s + "\" (expected: SRC:DEST, e.g. target/app.jar:/app/app.jar)");
    }
    String dest = s.substring(colon + 1);
    if (!dest.startsWith("/")) {
      throw new IllegalArgumentException(
          "--add: \""
              + s
              + "\": DEST "
              + dest
              + " is relative (expected: an absolute path such as /app)");
    }
    StringBuilder normal = new StringBuilder();
    for (String part : dest.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new IllegalArgumentException(
            "--add: \"" + s + "\": DEST has \"..\" (expected: a path without ..)");
      }
      normal.append('/').append(part);
    }
    return new AddSpec(
        Path.of(s.substring(0, colon)),
        normal.length() == 0 ? "/" : normal.toString(),
        dest.endsWith("/"));
  }

  @Override
  public String toString() {
    return source + ":" + dest + (intoDirectory && !dest.equals("/") ? "/" : "");
  }
}
