package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import java.nio.file.Path;

/**
 * A layer written to a local file.
 *
 * @param descriptor media type {@code tar+gzip}, the digest and size of the compressed file
 * @param diffId the digest of the uncompressed tar (image spec config.md, "DiffID")
 * @param file the compressed layer
 * @param createdBy the history line, e.g. {@code shoal build --add app.jar:/app/app.jar}
 */
public record BuiltLayer(Descriptor descriptor, Digest diffId, Path file, String createdBy) {
  public BuiltLayer {
    requireNonNull(descriptor, "descriptor");
    requireNonNull(diffId, "diffId");
    requireNonNull(file, "file");
    requireNonNull(createdBy, "createdBy");
  }
}
