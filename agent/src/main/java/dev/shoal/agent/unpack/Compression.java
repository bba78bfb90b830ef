package dev.shoal.agent.unpack;

import com.github.luben.zstd.ZstdInputStream;
import dev.shoal.core.oci.MediaTypes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * How a layer blob is compressed (OCI image spec "Image Layer Filesystem Changeset", media types
 * {@code …tar}, {@code …tar+gzip}, {@code …tar+zstd}, Docker's {@code …rootfs.diff.tar.gzip}).
 */
enum Compression {
  NONE,
  GZIP,
  ZSTD;

  private static final int BUFFER = 1 << 16;

  /**
   * The compression the media type names, or, for a type that names none or is unknown, the one the
   * blob's first bytes show (gzip {@code 1f 8b}, zstd {@code 28 b5 2f fd}); plain tar otherwise. A
   * blob whose magic contradicts its media type is read as the magic says: registries mislabel
   * layers (Docker's gzip type on an uncompressed tar is common) and the diff id check still holds.
   */
  static Compression detect(String mediaType, byte[] magic, int length) {
    if (length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    String type = mediaType == null ? "" : MediaTypes.essence(mediaType);
    if (type.endsWith("+zstd") || type.endsWith(".zstd")) {
      return ZSTD;
    }
    if (type.endsWith("+gzip") || type.endsWith(".gzip")) {
      return GZIP;
    }
    return NONE;
  }

  /** The uncompressed stream over {@code raw}. */
  InputStream open(InputStream raw) throws IOException {
    return switch (this) {
      case NONE -> raw;
      case GZIP -> new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
      case ZSTD -> new BufferedInputStream(new ZstdInputStream(raw), BUFFER);
    };
  }
}
