package dev.shoal.agent.unpack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;

/**
 * How an unpacked layer records deletions, in the form overlayfs reads from a lower directory
 * (Linux {@code Documentation/filesystems/overlayfs.rst}, "whiteouts and opaque directories"): a
 * whiteout is a character device 0:0 with the deleted name; an opaque directory carries the xattr
 * {@code user.overlay.opaque=y}.
 *
 * <p>The {@code user.} namespace (read by overlay when mounted with {@code userxattr}, Linux 5.11+)
 * rather than {@code trusted.}: Java can set user xattrs itself, and trusted ones would need {@code
 * setfattr}, which Debian does not install by default. Java cannot make device nodes, so whiteouts
 * come from coreutils' {@code mknod}, one process per whiteout; layers have few of them.
 */
final class OverlayFormat {
  /** The opaque marker's name within the {@code user.} namespace. */
  static final String OPAQUE_XATTR = "overlay.opaque";

  private OverlayFormat() {}

  /** Creates a whiteout at {@code path}, which must not exist. */
  static void makeWhiteout(Path path) throws IOException {
    Process p =
        new ProcessBuilder("mknod", "-m", "0", path.toString(), "c", "0", "0")
            .redirectErrorStream(true)
            .start();
    String output;
    try (var out = p.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    int status;
    try {
      status = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted making the whiteout " + path, e);
    }
    if (status != 0) {
      throw new IOException(
          "mknod " + path + " c 0 0 failed (exit " + status + "): " + output + " (run as root)");
    }
  }

  /** Whether {@code path} (not followed) is a whiteout: a character device numbered 0:0. */
  static boolean isWhiteout(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    return (mode & 0170000) == 0020000 && (Long) a.get("rdev") == 0L;
  }

  /** Marks the directory opaque: overlay hides what lower layers have under it. */
  static void setOpaque(Path dir) throws IOException {
    view(dir).write(OPAQUE_XATTR, ByteBuffer.wrap(new byte[] {'y'}));
  }

  /** Whether the directory is marked opaque. */
  static boolean isOpaque(Path dir) throws IOException {
    UserDefinedFileAttributeView view = view(dir);
    if (!view.list().contains(OPAQUE_XATTR)) {
      return false;
    }
    ByteBuffer value = ByteBuffer.allocate(view.size(OPAQUE_XATTR));
    view.read(OPAQUE_XATTR, value);
    return value.flip().remaining() == 1 && value.get() == 'y';
  }

  private static UserDefinedFileAttributeView view(Path dir) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      throw new IOException("the file system of " + dir + " has no user xattrs");
    }
    return view;
  }
}
