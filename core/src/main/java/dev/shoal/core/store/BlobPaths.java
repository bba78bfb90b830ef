package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Where the store keeps its files: {@code blobs/<alg>/<ab>/<hex>} for complete blobs, {@code
 * partial/<hex>} for downloads in progress, {@code tmp/} for writes not yet verified.
 */
final class BlobPaths {
  private final Path blobs;
  private final Path partial;
  private final Path tmp;

  BlobPaths(StoreConfig config) {
    this.blobs = config.blobsDir();
    this.partial = config.partialDir();
    this.tmp = config.tmpDir();
  }

  void createDirectories() throws IOException {
    Files.createDirectories(blobs);
    Files.createDirectories(partial);
    Files.createDirectories(tmp);
  }

  Path blob(Digest d) {
    return blobs.resolve(d.algorithm().prefix()).resolve(d.hex().substring(0, 2)).resolve(d.hex());
  }

  Path partial(Digest d) {
    // sha256 and sha512 hex differ in length, so the hex alone names a partial file unambiguously.
    return partial.resolve(d.hex());
  }

  Path blobsRoot() {
    return blobs;
  }

  Path partialRoot() {
    return partial;
  }

  Path tmpRoot() {
    return tmp;
  }

  /** A fresh, unique temporary file for one write. */
  Path newTemp(Digest d) throws IOException {
    return Files.createTempFile(tmp, d.shortHex() + "-", ".tmp");
  }

  /**
   * The digest a complete blob's file name stands for, or empty when the path is not one of ours.
   */
  Optional<Digest> digestOfBlobFile(Path file) {
    Path rel = blobs.relativize(file);
    if (rel.getNameCount() != 3) {
      return Optional.empty();
    }
    try {
      Digest d = Digest.parse(rel.getName(0) + ":" + rel.getName(2));
      return d.hex().startsWith(rel.getName(1).toString())
              && rel.getName(1).toString().length() == 2
          ? Optional.of(d)
          : Optional.empty();
    } catch (InvalidDigestException e) {
      return Optional.empty();
    }
  }

  /** The digest a partial file stands for, or empty when the name is not a digest's hex. */
  static Optional<Digest> digestOfPartialFile(Path file) {
    String hex = file.getFileName().toString();
    String alg = hex.length() == 128 ? "sha512" : "sha256";
    try {
      return Optional.of(Digest.parse(alg + ":" + hex));
    } catch (InvalidDigestException e) {
      return Optional.empty();
    }
  }

  /** Makes a rename or unlink in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
