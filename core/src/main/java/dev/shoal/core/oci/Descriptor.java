package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Json.Where;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

/**
 * A reference to content by media type, digest and size, as defined by the image spec
 * ("Descriptors", descriptor.md). The size is always present: a blob is never fetched without
 * knowing how many bytes to expect.
 *
 * <p>The descriptor's {@code data} field (OCI 1.1, embedded content) is not kept.
 *
 * @param mediaType the content's media type, {@code type/subtype} by RFC 6838
 * @param digest the content's digest
 * @param size the content's length in bytes, {@code >= 0}
 * @param urls where else the content may be fetched (non-distributable layers); empty when absent
 * @param annotations arbitrary metadata, in document order; empty when absent
 * @param platform the platform of the manifest it points to (in an index), or null
 * @param artifactType the artifact type of the manifest it points to (OCI 1.1), or null
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    Platform platform,
    String artifactType) {

  public Descriptor {
    requireNonNull(mediaType, "mediaType");
    requireNonNull(digest, "digest");
    requireNonNull(urls, "urls");
    requireNonNull(annotations, "annotations");
    urls = List.copyOf(urls);
    annotations = Json.copyOf(annotations, "annotations");
    check(mediaType, size, urls, artifactType, Where.of("descriptor"));
  }

  /** A descriptor with only the required fields. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, List.of(), Map.of(), null, null);
  }

  /** A descriptor of {@code content}: its SHA-256 digest and its length. */
  public static Descriptor of(String mediaType, byte[] content) {
    requireNonNull(content, "content");
    return of(mediaType, Digest.sha256Of(content), content.length);
  }

  public Descriptor withPlatform(Platform platform) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform, artifactType);
  }

  public Descriptor withAnnotations(Map<String, String> annotations) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform, artifactType);
  }

  public Descriptor withUrls(List<String> urls) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform, artifactType);
  }

  public Descriptor withArtifactType(String artifactType) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform, artifactType);
  }

  static Descriptor fromJson(ObjectNode node, Where where) {
    String mediaType = Json.reqString(node, "mediaType", where, "a media type");
    String digestString = Json.reqString(node, "digest", where, "a digest such as sha256:<hex>");
    Digest digest = Json.digest(digestString, where.field("digest"));
    long size = Json.reqLong(node, "size", where);
    List<String> urls = Json.stringList(node, "urls", where, false);
    String artifactType = Json.optString(node, "artifactType", where);
    check(mediaType, size, urls, artifactType, where);
    ObjectNode platform = Json.optObject(node, "platform", where);
    return new Descriptor(
        mediaType,
        digest,
        size,
        urls,
        Json.stringMap(node, "annotations", where),
        platform == null ? null : Platform.fromJson(platform, where.field("platform")),
        artifactType);
  }

  ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("mediaType", mediaType);
    o.put("digest", digest.toString());
    o.put("size", size);
    if (!urls.isEmpty()) {
      o.set("urls", Json.strings(urls));
    }
    if (!annotations.isEmpty()) {
      o.set("annotations", Json.strings(annotations));
    }
    if (platform != null) {
      o.set("platform", platform.toJson());
    }
    if (artifactType != null) {
      o.put("artifactType", artifactType);
    }
    return o;
  }

  private static void check(
      String mediaType, long size, List<String> urls, String artifactType, Where where) {
    checkMediaType(mediaType, where.field("mediaType"));
    if (size < 0) {
      throw where.field("size").fail(size + " (expected: >= 0)");
    }
    for (int i = 0; i < urls.size(); i++) {
      checkUrl(urls.get(i), where.field("urls").index(i));
    }
    if (artifactType != null) {
      checkMediaType(artifactType, where.field("artifactType"));
    }
  }

  static void checkMediaType(String mediaType, Where where) {
    if (!MediaTypes.isWellFormed(mediaType)) {
      throw where.fail(
          Json.quote(mediaType) + " (expected: a media type type/subtype by RFC 6838)");
    }
  }

  private static void checkUrl(String url, Where where) {
    try {
      if (new URI(url).isAbsolute()) {
        return;
      }
    } catch (URISyntaxException e) {
      // Reported below with the same message as a relative URL.
    }
    throw where.fail(Json.quote(url) + " (expected: an absolute URL by RFC 3986)");
  }
}
