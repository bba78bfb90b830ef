package dev.shoal.agent.unpack;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** File tree helpers that never follow a symlink. */
final class Trees {
  private Trees() {}

  /** Deletes {@code path} and, if it is a real directory, everything under it; absent is fine. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // walkFileTree does not follow links unless asked to: a symlink is visited as a file and
    // deleted itself, never what it points at.
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The sum of the sizes of the regular files under {@code dir}, links not followed. */
  static long apparentSize(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              total[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return total[0];
  }

  /** Attributes of {@code path} itself (a link is not followed), or null when it does not exist. */
  static BasicFileAttributes attributesOrNull(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Removes whatever is at {@code path}: a directory with its contents, or a single file or link.
   */
  static void removeExisting(Path path) throws IOException {
    BasicFileAttributes a = attributesOrNull(path);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      deleteRecursively(path);
    } else {
      Files.delete(path);
    }
  }
}
