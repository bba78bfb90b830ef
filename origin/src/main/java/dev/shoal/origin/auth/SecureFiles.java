package dev.shoal.origin.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Owner-only files for secrets: created {@code rw-------}, replaced atomically (temp file, fsync,
 * rename, fsync of the directory), refused when anyone but the owner may read them.
 */
final class SecureFiles {
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecureFiles() {}

  /**
   * Creates {@code dir} (and parents) if missing; a directory this creates is {@code rwx------}.
   */
  static Path privateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent());
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      // The umask may have narrowed nothing but can widen nothing either; set it exactly.
      Files.setPosixFilePermissions(dir, OWNER_DIR);
      syncDirectory(dir.getParent());
    }
    return dir;
  }

  /**
   * Throws unless {@code file} is readable by its owner only: a secret that others could read must
   * be treated as leaked, so the origin refuses to start rather than sign with it.
   */
  static void requireOwnerOnly(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
    loose.addAll(perms);
    loose.retainAll(OTHERS);
    if (!loose.isEmpty()) {
      throw new AccessDeniedException(
          file.toString(),
          null,
          "permissions "
              + PosixFilePermissions.toString(perms)
              + " (expected: rw-------, readable by the owner only); the secret may have leaked:"
              + " replace it, or run chmod 600 "
              + file
              + " if it did not");
    }
  }

  /** Replaces {@code file} with {@code bytes} atomically; the new file is {@code rw-------}. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path dir = file.getParent();
    Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp", ownerOnly());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(OWNER_FILE);
  }
}
