package dev.shoal.core.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Json.Where;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What an {@link ImageManifest} and an {@link ImageIndex} share: the exact bytes with their digest,
 * and the fields both kinds of document have ({@code mediaType}, {@code artifactType}, {@code
 * subject}, {@code annotations}). Its public methods implement {@link ParsedManifest}'s, where they
 * are documented; the subclasses add the fields of their kind.
 */
abstract class ManifestDocument {
  private final byte[] raw;
  private final Digest digest;
  private final String mediaType;
  private final String artifactType;
  private final Descriptor subject;
  private final Map<String, String> annotations;

  /**
   * Reads the shared fields of {@code root}. Subclasses read their own fields first, so a document
   * with several errors is refused for the first in that order.
   *
   * @param raw the exact bytes {@code root} was read from; kept, not copied
   */
  ManifestDocument(byte[] raw, ObjectNode root, String mediaType, Where where) {
    this.raw = raw;
    this.digest = Digest.sha256Of(raw);
    this.mediaType = mediaType;
    this.artifactType = artifactType(root, where);
    this.subject = subject(root, where);
    this.annotations = Json.stringMap(root, "annotations", where);
  }

  /** The descriptors of a required array field, such as an index's {@code manifests}. */
  static List<Descriptor> descriptors(ObjectNode root, String field, Where where, String expected) {
    List<ObjectNode> nodes = Json.optObjects(root, field, where);
    if (nodes == null) {
      throw where.field(field).missing(expected);
    }
    List<Descriptor> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      out.add(Descriptor.fromJson(nodes.get(i), where.field(field).index(i)));
    }
    return List.copyOf(out);
  }

  private static String artifactType(ObjectNode root, Where where) {
    String artifactType = Json.optString(root, "artifactType", where);
    if (artifactType != null) {
      Descriptor.checkMediaType(artifactType, where.field("artifactType"));
    }
    return artifactType;
  }

  private static Descriptor subject(ObjectNode root, Where where) {
    ObjectNode subject = Json.optObject(root, "subject", where);
    return subject == null ? null : Descriptor.fromJson(subject, where.field("subject"));
  }

  public String mediaType() {
    return mediaType;
  }

  public String artifactType() {
    return artifactType;
  }

  public Descriptor subject() {
    return subject;
  }

  public Map<String, String> annotations() {
    return annotations;
  }

  public byte[] raw() {
    return raw.clone();
  }

  public ByteBuffer rawBuffer() {
    return ByteBuffer.wrap(raw).asReadOnlyBuffer();
  }

  public Digest digest() {
    return digest;
  }

  public long size() {
    return raw.length;
  }

  /** Equal when both are the same kind of document with the same bytes and media type. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ManifestDocument other
        && getClass() == other.getClass()
        && mediaType.equals(other.mediaType)
        && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }
}
