package dev.shoal.agent.build;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.MediaTypes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * Turns one {@code --add} into a reproducible gzip-compressed layer (image spec layer.md): the same
 * files give the same bytes whatever their modification times, owners, umask or the order the file
 * system lists them in.
 */
final class LayerWriter {
  private LayerWriter() {}

  /**
   * Writes the layer of {@code add} into {@code dir} as {@code <hex>.tar.gz}.
   *
   * @param mtime the modification time of every entry, seconds since the epoch
   */
  static BuiltLayer write(AddSpec add, long mtime, Path dir) throws IOException {
    List<LayerEntries.Entry> entries = LayerEntries.of(add);
    MessageDigest tarHash = DigestAlgorithm.SHA256.newHasher();
    MessageDigest gzipHash = DigestAlgorithm.SHA256.newHasher();
    Path tmp = Files.createTempFile(dir, "layer-", ".tmp");
    try {
      try (OutputStream file = Files.newOutputStream(tmp);
          TarWriter tar =
              new TarWriter(
                  new DigestOutputStream(
                      new BufferedOutputStream(
                          new StableGzipOutputStream(
                              new DigestOutputStream(new BufferedOutputStream(file), gzipHash)),
                          64 << 10),
                      tarHash),
                  mtime)) {
        for (LayerEntries.Entry e : entries) {
          switch (e.kind()) {
            case DIRECTORY -> tar.directory(e.name(), e.mode());
            case SYMLINK -> tar.symlink(e.name(), e.linkTarget());
            case FILE -> {
              try (InputStream in = Files.newInputStream(e.source())) {
                tar.file(e.name(), e.mode(), e.size(), in);
              }
            }
          }
        }
      }
      Digest digest = Digest.of(DigestAlgorithm.SHA256, gzipHash.digest());
      Path target = dir.resolve(digest.hex() + ".tar.gz");
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      return new BuiltLayer(
          Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, digest, Files.size(target)),
          Digest.of(DigestAlgorithm.SHA256, tarHash.digest()),
          target,
          "shoal build --add " + name(add.source()) + ":" + add.dest());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The source for the history, the same on every machine: a relative path as given ({@code
   * target/lib}, from the project's root in any checkout), of an absolute one only its last name.
   */
  private static String name(Path source) {
    if (!source.isAbsolute()) {
      String relative = source.normalize().toString();
      return relative.isEmpty() ? "." : relative;
    }
    Path name = source.getFileName();
    return name == null ? "/" : name.toString();
  }
}
