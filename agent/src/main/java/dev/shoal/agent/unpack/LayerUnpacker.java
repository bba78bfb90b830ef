package dev.shoal.agent.unpack;

import com.github.luben.zstd.ZstdIOException;
import dev.shoal.core.digest.Digest;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.ZipException;

/**
 * One layer blob into one directory: decompress, hash the tar stream (its sha256 is the diff id,
 * OCI image spec "Layer DiffID"), read entries, write them. The caller owns the directory and
 * removes it when this throws.
 */
final class LayerUnpacker {
  private LayerUnpacker() {}

  static void unpack(Digest diffId, String mediaType, Path blob, Path dir, UnpackLimits limits)
      throws IOException {
    String entry = null;
    try (InputStream file = Files.newInputStream(blob)) {
      InputStream buffered = new BufferedInputStream(file, 1 << 16);
      buffered.mark(4);
      byte[] magic = new byte[4];
      int n = buffered.readNBytes(magic, 0, 4);
      buffered.reset();
      Compression compression = Compression.detect(mediaType, magic, n);
      MessageDigest hasher = diffId.algorithm().newHasher();
      try (InputStream tar =
          new ReadAhead(
              new Hashing(compression.open(buffered), hasher),
              "shoal-unpack-" + diffId.shortHex())) {
        TarReader reader = new TarReader(tar, limits);
        LayerWriter writer = new LayerWriter(dir);
        TarEntry e;
        while ((e = reader.next()) != null) {
          entry = e.name();
          writer.write(e, reader.content());
        }
        entry = null;
        reader.drain();
        writer.finish();
      }
      Digest actual = Digest.of(diffId.algorithm(), hasher.digest());
      if (!actual.equals(diffId)) {
        throw new LayerRejectedException(
            diffId,
            null,
            "the uncompressed tar's digest is "
                + actual
                + " (expected: the diff id "
                + diffId
                + ")",
            null);
      }
    } catch (BadEntryException e) {
      throw new LayerRejectedException(diffId, e.entry(), e.getMessage(), e);
    } catch (ZstdIOException e) {
      throw new LayerRejectedException(diffId, entry, "corrupt zstd stream: " + e.getMessage(), e);
    } catch (ZipException | EOFException e) {
      throw new LayerRejectedException(
          diffId, entry, "corrupt or truncated layer: " + e.getMessage(), e);
    } catch (IOException e) {
      if (e instanceof LayerRejectedException) {
        throw e;
      }
      throw new IOException(
          "unpacking layer "
              + diffId
              + (entry == null ? "" : " at entry " + LayerRejectedException.quote(entry))
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Feeds every byte read into the digest. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest hasher;

    Hashing(InputStream in, MessageDigest hasher) {
      super(in);
      this.hasher = hasher;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        hasher.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        hasher.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) {
      return 0; // Skipped bytes would escape the hash; TarReader reads instead of skipping.
    }
  }
}
