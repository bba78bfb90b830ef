package dev.shoal.agent.unpack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The copy fallback of {@link RootFs}: applies an unpacked layer onto a directory as overlayfs
 * would show it on top of what is there. A whiteout removes the name below it, an opaque directory
 * hides everything below it, a directory merges with a directory below, anything else replaces what
 * was there. Hard links within the layer stay hard links. Like {@link LayerWriter} it never follows
 * a link in the target: each directory it descends into is a real directory it checked or created,
 * and each name it writes was removed first.
 */
final class LayerMerge {

  /** (device, inode) of a multiply-linked file in the layer → where it was copied in the target. */
  private final Map<List<Object>, Path> linked = new HashMap<>();

  private LayerMerge() {}

  /** Applies {@code layer} onto {@code target}, an existing real directory. */
  static void apply(Path layer, Path target) throws IOException {
    LayerMerge merge = new LayerMerge();
    if (OverlayFormat.isOpaque(layer)) {
      clear(target);
    }
    merge.applyDir(layer, target);
  }

  private void applyDir(Path src, Path dst) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(src)) {
      for (Path s : children) {
        Path d = dst.resolve(s.getFileName().toString());
        BasicFileAttributes a =
            Files.readAttributes(s, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isOther()) {
          if (!OverlayFormat.isWhiteout(s)) {
            throw new IOException("unexpected special file in an unpacked layer: " + s);
          }
          Trees.removeExisting(d);
        } else if (a.isDirectory()) {
          BasicFileAttributes below = Trees.attributesOrNull(d);
          if (below == null || !below.isDirectory()) {
            Trees.removeExisting(d);
            Files.createDirectory(d);
          } else if (OverlayFormat.isOpaque(s)) {
            clear(d);
          }
          applyDir(s, d);
          copyOwnerAndMode(s, d);
          Files.setLastModifiedTime(d, a.lastModifiedTime());
        } else if (a.isSymbolicLink()) {
          Trees.removeExisting(d);
          Files.createSymbolicLink(d, Files.readSymbolicLink(s));
          copyOwner(s, d);
        } else {
          Trees.removeExisting(d);
          copyFile(s, d, a);
        }
      }
    }
  }

  private void copyFile(Path s, Path d, BasicFileAttributes a) throws IOException {
    Map<String, Object> u =
        Files.readAttributes(s, "unix:dev,ino,nlink", LinkOption.NOFOLLOW_LINKS);
    List<Object> key = null;
    if ((Integer) u.get("nlink") > 1) {
      key = List.of(u.get("dev"), u.get("ino"));
      Path first = linked.get(key);
      if (first != null) {
        Files.createLink(d, first);
        return;
      }
    }
    Files.copy(s, d, LinkOption.NOFOLLOW_LINKS);
    copyOwnerAndMode(s, d);
    Files.setLastModifiedTime(d, a.lastModifiedTime());
    if (key != null) {
      linked.put(key, d);
    }
  }

  private static void copyOwnerAndMode(Path s, Path d) throws IOException {
    copyOwner(s, d);
    int mode = (Integer) Files.getAttribute(s, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    Files.setAttribute(d, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }

  private static void copyOwner(Path s, Path d) throws IOException {
    Map<String, Object> o = Files.readAttributes(s, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(d, "unix:uid", o.get("uid"), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(d, "unix:gid", o.get("gid"), LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes everything inside the directory, keeping the directory. */
  private static void clear(Path dir) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path c : children) {
        Trees.removeExisting(c);
      }
    }
  }
}
