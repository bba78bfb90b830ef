package dev.shoal.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Whether a program runs in an image with nothing else: a statically linked ELF executable. */
public final class StaticElf {
  private static final int MAGIC = 0x464c457f; // "\x7fELF", read little-endian
  private static final int PT_INTERP = 3;

  private StaticElf() {}

  /**
   * True for a 64-bit little-endian ELF file with no program interpreter (it needs no dynamic
   * loader, so no libc in the image); false for anything else.
   */
  public static boolean is(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      if (ch.read(h, 0) < 64 || h.getInt(0) != MAGIC || h.get(4) != 2 || h.get(5) != 1) {
        return false;
      }
      long phoff = h.getLong(0x20);
      int phentsize = Short.toUnsignedInt(h.getShort(0x36));
      int phnum = Short.toUnsignedInt(h.getShort(0x38));
      ByteBuffer ph = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < phnum; i++) {
        ph.clear();
        if (ch.read(ph, phoff + (long) i * phentsize) < 4) {
          return false;
        }
        if (ph.getInt(0) == PT_INTERP) {
          return false;
        }
      }
      return true;
    }
  }
}
