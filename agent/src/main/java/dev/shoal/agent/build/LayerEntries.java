package dev.shoal.agent.build;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one {@code --add} puts in its layer, in the order it is written: sorted by path (a parent
 * sorts before its children), every parent directory of the destination included, modes reduced to
 * 0755 (directories, and files executable by their owner) or 0644, symbolic links kept as links.
 */
final class LayerEntries {
  /** One tar entry; {@code name} is relative to the image root, without a trailing slash. */
  record Entry(String name, Kind kind, int mode, Path source, long size, String linkTarget) {}

  enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK
  }

  private LayerEntries() {}

  /**
   * The entries of {@code add}.
   *
   * @throws NoSuchFileException when the source does not exist
   * @throws IOException when it cannot be read, or holds a socket, FIFO or device
   */
  static List<Entry> of(AddSpec add) throws IOException {
    Path src = add.source();
    if (!Files.exists(src)) {
      throw new NoSuchFileException(
          "--add "
              + add
              + ": "
              + src
              + " does not exist (check the path; it is relative to "
              + Path.of("").toAbsolutePath()
              + ")");
    }
    SortedMap<String, Entry> entries = new TreeMap<>();
    boolean directory = Files.isDirectory(src);
    String dest = add.dest();
    if (!directory && (add.intoDirectory() || dest.equals("/"))) {
      dest = (dest.equals("/") ? "" : dest) + "/" + src.toRealPath().getFileName();
    }
    String root = dest.substring(1);
    addParents(entries, root, directory);
    if (directory) {
      Path top = src.toRealPath();
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              String name = join(root, top.relativize(dir));
              if (!name.isEmpty()) {
                entries.put(name, new Entry(name, Kind.DIRECTORY, 0755, dir, 0, ""));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String name = join(root, top.relativize(file));
              entries.put(name, entry(name, file, attrs));
              return FileVisitResult.CONTINUE;
            }
          });
    } else {
      Path file = src.toRealPath();
      entries.put(root, entry(root, file, Files.readAttributes(file, BasicFileAttributes.class)));
    }
    return List.copyOf(entries.values());
  }

  private static Entry entry(String name, Path file, BasicFileAttributes attrs) throws IOException {
    if (attrs.isSymbolicLink()) {
      return new Entry(name, Kind.SYMLINK, 0777, file, 0, Files.readSymbolicLink(file).toString());
    }
    if (attrs.isDirectory()) {
      return new Entry(name, Kind.DIRECTORY, 0755, file, 0, "");
    }
    if (!attrs.isRegularFile()) {
      throw new IOException(
          file + " is not a regular file, directory or symbolic link (remove it from the source)");
    }
    return new Entry(name, Kind.FILE, executable(file) ? 0755 : 0644, file, attrs.size(), "");
  }

  /** Executable by its owner; where the file system has no POSIX modes, by this process. */
  private static boolean executable(Path file) throws IOException {
    try {
      return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
          .contains(PosixFilePermission.OWNER_EXECUTE);
    } catch (UnsupportedOperationException e) {
      return Files.isExecutable(file);
    }
  }

  /** Every directory above {@code name}, and {@code name} itself when it is a directory. */
  private static void addParents(SortedMap<String, Entry> entries, String name, boolean self) {
    List<String> parts = new ArrayList<>(List.of(name.isEmpty() ? new String[0] : name.split("/")));
    if (!self && !parts.isEmpty()) {
      parts.remove(parts.size() - 1);
    }
    StringBuilder path = new StringBuilder();
    for (String part : parts) {
      path.append(path.length() == 0 ? "" : "/").append(part);
      String dir = path.toString();
      entries.put(dir, new Entry(dir, Kind.DIRECTORY, 0755, null, 0, ""));
    }
  }

  private static String join(String root, Path relative) {
    StringBuilder sb = new StringBuilder(root);
    for (Path part : relative) {
      String p = part.toString();
      if (p.isEmpty()) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : "/").append(p);
    }
    return sb.toString();
  }
}
