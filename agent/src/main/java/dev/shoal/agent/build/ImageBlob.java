package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A blob of an image being built or pushed, and where its bytes are: a local file (a layer just
 * built, a blob of an OCI layout) or a repository of a registry (a base image's layer, which is
 * mounted or copied rather than downloaded first).
 *
 * @param descriptor what the manifest says about the blob
 * @param file the local file, or null
 * @param remote the registry repository holding it, or null
 */
public record ImageBlob(Descriptor descriptor, Path file, Remote remote) {
  /**
   * A repository of a registry.
   *
   * @param registry {@code host[:port]} as image references name it
   * @param repository e.g. {@code library/eclipse-temurin}
   */
  public record Remote(String registry, String repository, RegistryClient client) {
    public Remote {
      requireNonNull(registry, "registry");
      requireNonNull(repository, "repository");
      requireNonNull(client, "client");
    }
  }

  public ImageBlob {
    requireNonNull(descriptor, "descriptor");
    if ((file == null) == (remote == null)) {
      throw new IllegalArgumentException(
          "exactly one of file and remote (got: " + file + ", " + remote + ")");
    }
  }

  public static ImageBlob local(Descriptor descriptor, Path file) {
    return new ImageBlob(descriptor, requireNonNull(file, "file"), null);
  }

  public static ImageBlob remote(Descriptor descriptor, Remote remote) {
    return new ImageBlob(descriptor, null, requireNonNull(remote, "remote"));
  }

  /** The bytes; from a registry, a read past the end fails unless they match the digest. */
  public InputStream open() throws IOException {
    if (file != null) {
      return Files.newInputStream(file);
    }
    return remote
        .client()
        .openVerifiedBlob(remote.repository(), descriptor.digest(), descriptor.size());
  }
}
