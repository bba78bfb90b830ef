package dev.shoal.agent.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Writes tar entries into one layer's directory, in overlay form (see {@link OverlayFormat}), and
 * never outside it.
 *
 * <p>What "never outside" rests on:
 *
 * <ul>
 *   <li>Entry names are relative paths: {@code ./} prefixes and empty or {@code .} components are
 *       dropped; a leading {@code /} (absolute) or any {@code ..} component is refused rather than
 *       normalised, as issue 6 asks, although runtimes such as containerd strip them instead.
 *   <li>Every parent of an entry is checked, without following links, to be a real directory that
 *       this unpacking created; a symlink (even one pointing inside the layer) or a file there is
 *       refused. The final component is created with {@code O_CREAT|O_EXCL} semantics after
 *       whatever was there was removed, so no write ever goes through a link. The directory is
 *       private to this unpacking (a fresh temp directory), so nothing changes between check and
 *       use.
 *   <li>Symlinks are created with any target, absolute or with {@code ..}: a link is only text
 *       here, and at run time it resolves inside the container's root ({@code /bin/sh -> busybox}
 *       and {@code /etc/mtab -> /proc/mounts} are everyday). Such a link "leads outside" only if
 *       something follows it on the host, and unpacking never does.
 *   <li>Hard link targets are names in the same layer, checked like entry names, and must already
 *       exist there as a file or symlink: a hard link cannot reach a host file.
 *   <li>Device nodes and FIFOs are refused; the only device nodes in a layer directory are the
 *       whiteouts made here from {@code .wh.} entries.
 * </ul>
 */
final class LayerWriter {
  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final long MAX_ID = 0xfffffffeL;

  private final Path root;
  private final List<DirTime> dirTimes = new ArrayList<>();

  /** Real directories this unpacking created or checked, so that parents are checked once. */
  private final Set<Path> knownDirs = new HashSet<>();

  private final byte[] buffer = new byte[1 << 16];

  private record DirTime(Path dir, long mtimeSeconds) {}

  LayerWriter(Path root) {
    this.root = root;
  }

  /** Writes one entry; {@code content} holds a regular file's bytes. */
  void write(TarEntry e, InputStream content) throws IOException {
    List<String> parts = components(e.name(), e.name(), "");
    if (parts.isEmpty()) {
      if (e.type() != TarEntry.Type.DIRECTORY) {
        throw new BadEntryException(e.name(), "a non-directory entry names the layer root");
      }
      applyOwnerAndMode(root, e);
      dirTimes.add(new DirTime(root, e.mtimeSeconds()));
      return;
    }
    String base = parts.get(parts.size() - 1);
    Path parent = parentOf(parts, e.name(), true);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      whiteout(e, parent, base);
      return;
    }
    Path path = parent.resolve(base);
    switch (e.type()) {
      case FILE -> {
        try (OutputStream out = createFile(path)) {
          int n;
          while ((n = content.read(buffer)) > 0) {
            out.write(buffer, 0, n);
          }
        }
        applyOwnerAndMode(path, e);
        setTimes(path, e.mtimeSeconds());
      }
      case DIRECTORY -> {
        try {
          Files.createDirectory(path);
        } catch (FileAlreadyExistsException x) {
          BasicFileAttributes a = Trees.attributesOrNull(path);
          if (a == null || !a.isDirectory()) {
            remove(path);
            Files.createDirectory(path);
          }
        }
        knownDirs.add(path);
        applyOwnerAndMode(path, e);
        dirTimes.add(new DirTime(path, e.mtimeSeconds()));
      }
      case SYMLINK -> {
        if (e.linkName().isEmpty() || e.linkName().indexOf('\0') >= 0) {
          throw new BadEntryException(e.name(), "a symlink with an empty or invalid target");
        }
        Path target = path.getFileSystem().getPath(e.linkName());
        create(path, () -> Files.createSymbolicLink(path, target));
        applyOwner(path, e);
        setLinkTime(path, e.mtimeSeconds());
      }
      case HARD_LINK -> hardLink(e, path);
      case CHAR_DEVICE, BLOCK_DEVICE ->
          throw new BadEntryException(
              e.name(),
              "device nodes are not allowed in a layer ("
                  + e.type().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + " "
                  + e.devMajor()
                  + ":"
                  + e.devMinor()
                  + ")");
      case FIFO -> throw new BadEntryException(e.name(), "FIFOs are not allowed in a layer");
    }
  }

  /**
   * Sets directory mtimes last, since writing their children changed them; skips a directory that a
   * later entry replaced (by a file, a whiteout or a symlink, which must not be followed).
   */
  void finish() throws IOException {
    for (int i = dirTimes.size() - 1; i >= 0; i--) {
      DirTime d = dirTimes.get(i);
      BasicFileAttributes a = Trees.attributesOrNull(d.dir());
      if (a == null || !a.isDirectory()) {
        continue;
      }
      setTimes(d.dir(), d.mtimeSeconds());
    }
  }

  private void whiteout(TarEntry e, Path parent, String base) throws IOException {
    if (base.equals(OPAQUE)) {
      OverlayFormat.setOpaque(parent);
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
      return; // AUFS bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the image's content.
    }
    String hidden = base.substring(WHITEOUT_PREFIX.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
      throw new BadEntryException(e.name(), "a whiteout of an invalid name");
    }
    Path path = parent.resolve(hidden);
    remove(path);
    OverlayFormat.makeWhiteout(path);
  }

  private void hardLink(TarEntry e, Path path) throws IOException {
    String why = "a hard link to " + LayerRejectedException.quote(e.linkName());
    List<String> target = components(e.linkName(), e.name(), why + ", ");
    if (target.isEmpty()) {
      throw new BadEntryException(e.name(), why + ", the layer root");
    }
    Path existing = parentOf(target, e.name(), false).resolve(target.get(target.size() - 1));
    BasicFileAttributes a = Trees.attributesOrNull(existing);
    if (a == null) {
      throw new BadEntryException(e.name(), why + ", which is not in the layer (so far)");
    }
    if (!a.isRegularFile() && !a.isSymbolicLink()) {
      throw new BadEntryException(e.name(), why + ", which is not a file");
    }
    if (existing.equals(path)) {
      return; // A link to itself: the file is already there.
    }
    create(path, () -> Files.createLink(path, existing));
  }

  private interface Creation {
    void run() throws IOException;
  }

  /**
   * Runs a creation that fails rather than follow or replace what is at {@code path} ({@code
   * O_EXCL}, {@code symlink}, {@code link}); if the name is taken (an archive may list a path
   * twice, the later entry wins) removes what is there and runs it again.
   */
  private void create(Path path, Creation creation) throws IOException {
    try {
      creation.run();
    } catch (FileAlreadyExistsException e) {
      remove(path);
      creation.run();
    }
  }

  private OutputStream createFile(Path path) throws IOException {
    try {
      return Files.newOutputStream(
          path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (FileAlreadyExistsException e) {
      remove(path);
      return Files.newOutputStream(
          path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Removes what is at {@code path}, forgetting the directories that went with it. */
  private void remove(Path path) throws IOException {
    Trees.removeExisting(path);
    knownDirs.removeIf(d -> d.startsWith(path));
  }

  /**
   * The components of an archive path; refuses absolute paths and {@code ..}.
   *
   * @param what prefixes the reason, to say that a link target was refused rather than the name
   */
  private static List<String> components(String name, String entry, String what)
      throws BadEntryException {
    if (name.isEmpty()) {
      throw new BadEntryException(entry, what + "an empty path");
    }
    if (name.startsWith("/")) {
      throw new BadEntryException(entry, what + "an absolute path (outside the layer)");
    }
    if (name.indexOf('\0') >= 0) {
      throw new BadEntryException(entry, what + "a NUL byte in the path");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new BadEntryException(entry, what + "'..' in the path (outside the layer)");
      }
      parts.add(part);
    }
    return parts;
  }

  /**
   * The directory that holds the last component, checking that every one before it is a real
   * directory (not a symlink) in the layer; missing ones are created when {@code create}.
   */
  private Path parentOf(List<String> parts, String entry, boolean create) throws IOException {
    Path dir = root;
    for (int i = 0; i < parts.size() - 1; i++) {
      dir = dir.resolve(parts.get(i));
      if (knownDirs.contains(dir)) {
        continue;
      }
      BasicFileAttributes a = Trees.attributesOrNull(dir);
      String shown = String.join("/", parts.subList(0, i + 1));
      if (a == null) {
        if (!create) {
          throw new BadEntryException(
              entry, "its target's directory " + shown + " is not in the layer");
        }
        Files.createDirectory(dir);
        // A parent the archive does not list: 0755 as tar and runtimes make it, whatever the umask.
        Files.setAttribute(dir, "unix:mode", 0755);
      } else if (a.isSymbolicLink()) {
        throw new BadEntryException(
            entry,
            "its path goes through the symlink " + shown + " (unpacking never follows links)");
      } else if (!a.isDirectory()) {
        throw new BadEntryException(
            entry, "its path goes through " + shown + ", which is not a directory");
      }
      knownDirs.add(dir);
    }
    return dir;
  }

  private static void applyOwnerAndMode(Path path, TarEntry e) throws IOException {
    applyOwner(path, e);
    // After chown, which clears setuid and setgid bits. Following links is safe (and saves the
    // open that a no-follow chmod takes): the path is a file or directory this unpacking created
    // or checked, in a directory nothing else writes to.
    Files.setAttribute(path, "unix:mode", e.mode());
  }

  private static void applyOwner(Path path, TarEntry e) throws IOException {
    if (e.uid() > MAX_ID || e.gid() > MAX_ID) {
      throw new BadEntryException(
          e.name(), "uid " + e.uid() + " or gid " + e.gid() + " out of range");
    }
    if (e.uid() != 0 || e.gid() != 0) {
      // Unsigned 32-bit ids travel through Java's int as their bit pattern.
      Files.setAttribute(path, "unix:uid", (int) e.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:gid", (int) e.gid(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Access and modification time both from the tar (as tar does): one call, no stat first. */
  private static void setTimes(Path path, long mtimeSeconds) throws IOException {
    FileTime t = FileTime.from(mtimeSeconds, TimeUnit.SECONDS);
    Files.getFileAttributeView(path, BasicFileAttributeView.class).setTimes(t, t, null);
  }

  private static void setLinkTime(Path link, long mtimeSeconds) {
    FileTime t = FileTime.from(mtimeSeconds, TimeUnit.SECONDS);
    try {
      Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(t, null, null);
    } catch (IOException | UnsupportedOperationException e) {
      // A symlink's own mtime is cosmetic (nothing reads it at run time); not every JDK sets it.
    }
  }
}
