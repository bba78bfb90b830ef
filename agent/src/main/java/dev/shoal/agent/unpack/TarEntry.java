package dev.shoal.agent.unpack;

/**
 * One tar entry's header, after PAX and GNU long-name records were applied.
 *
 * @param name the path as written in the archive (not yet checked or normalised)
 * @param type what the entry is
 * @param mode permission bits including setuid, setgid and sticky ({@code 07777})
 * @param linkName the target of a symlink or hard link, empty for other types
 * @param mtimeSeconds modification time, seconds since the epoch
 */
record TarEntry(
    String name,
    Type type,
    int mode,
    long uid,
    long gid,
    long size,
    long mtimeSeconds,
    String linkName,
    long devMajor,
    long devMinor) {

  /** The entry kinds of POSIX ustar (typeflags 0–7); anything else is refused by the reader. */
  enum Type {
    FILE,
    HARD_LINK,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    DIRECTORY,
    FIFO
  }
}
