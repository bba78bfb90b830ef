package dev.shoal.core.oci;

import dev.shoal.core.digest.Digest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A manifest document as it came off the wire: an {@link ImageManifest} or an {@link ImageIndex}.
 * Read one with {@link Manifests#parse}.
 *
 * <p>The exact bytes are kept: the digest is computed over them, and they are what a registry
 * serves. Re-serialising the parsed fields would change the digest.
 */
public sealed interface ParsedManifest permits ImageManifest, ImageIndex {

  /** Always 2; schema 1 is refused and no other version exists. */
  default int schemaVersion() {
    return 2;
  }

  /**
   * The media type: the document's {@code mediaType} field; or, when the document has none, the
   * Content-Type it was served with; or the OCI type of its kind.
   */
  String mediaType();

  /** The {@code artifactType} field (OCI 1.1), or null. */
  String artifactType();

  /** The {@code subject} field (OCI 1.1): the manifest this one refers to, or null. */
  Descriptor subject();

  /** The {@code annotations} field, in document order; empty when absent. */
  Map<String, String> annotations();

  /**
   * Every descriptor this document points to (config and layers, or the manifests of an index), not
   * counting {@link #subject()}; the content a registry must hold for the document to be whole.
   */
  List<Descriptor> references();

  /** A copy of the exact bytes this document was parsed from. */
  byte[] raw();

  /** A read-only view of the exact bytes, for writing them out without a copy. */
  ByteBuffer rawBuffer();

  /** The SHA-256 digest of {@link #raw()}. */
  Digest digest();

  /** Length of {@link #raw()} in bytes. */
  long size();

  /** A descriptor of this document, for an index entry or a {@code subject} field. */
  default Descriptor toDescriptor() {
    return Descriptor.of(mediaType(), digest(), size()).withArtifactType(artifactType());
  }
}
