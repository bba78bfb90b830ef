package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.oci.Json.Where;
import java.util.Set;

/**
 * Reads manifest documents: OCI image manifests and indexes (image spec manifest.md and
 * image-index.md, v1.1) and Docker schema 2 manifests and manifest lists. Docker schema 1 is
 * refused.
 */
public final class Manifests {

  /**
   * The largest manifest accepted, 4 MiB: the OCI distribution spec's limit ("Pushing Manifests"),
   * which registries are required to accept and free to enforce.
   */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  /** Content-Types that say nothing about the kind of document; servers send them carelessly. */
  private static final Set<String> GENERIC_TYPES =
      Set.of("application/json", "application/octet-stream", "binary/octet-stream", "text/plain");

  private static final String SUPPORTED = "one of " + String.join(", ", MediaTypes.MANIFEST_TYPES);

  private Manifests() {}

  /**
   * Parses a manifest or an index, keeping {@code raw} exactly.
   *
   * <p>The kind comes from the document's {@code mediaType} field and from {@code
   * contentTypeOrNull}; when both are present they must name the same media type, as the
   * distribution spec requires. With neither (the field is optional in OCI), the kind comes from
   * the body: {@code config} means a manifest, {@code manifests} an index. A document with both is
   * refused as ambiguous (the image spec 1.0.2 clarification). Unknown fields are ignored.
   *
   * @param contentTypeOrNull the Content-Type the document came with, parameters allowed; {@code
   *     null}, empty or generic ({@code application/json}) when it came without a useful one
   * @throws InvalidManifestException quoting what is wrong and saying what was expected
   */
  public static ParsedManifest parse(byte[] raw, String contentTypeOrNull) {
    requireNonNull(raw, "raw");
    Where doc = Where.of("manifest");
    if (raw.length > MAX_MANIFEST_BYTES) {
      throw doc.fail(
          raw.length
              + " bytes (expected: at most "
              + MAX_MANIFEST_BYTES
              + " bytes, the OCI distribution spec's manifest limit)");
    }
    String header = headerType(contentTypeOrNull);
    if (header != null && MediaTypes.isSchema1(header)) {
      throw schema1(doc, "Content-Type " + Json.quote(header));
    }
    ObjectNode root = Json.readObject(raw, doc);
    refuseSchema1(root, doc);
    checkSchemaVersion(root, doc);
    String field = Json.optString(root, "mediaType", doc);
    if (field != null && !MediaTypes.isManifest(field) && !MediaTypes.isIndex(field)) {
      throw doc.field("mediaType")
          .fail(
              Json.quote(field) + " is not a manifest or index type (expected: " + SUPPORTED + ")");
    }
    if (field != null && header != null && !MediaTypes.essence(field).equals(header)) {
      throw doc.fail(
          "mediaType "
              + Json.quote(field)
              + " disagrees with Content-Type "
              + Json.quote(header)
              + " (expected: the same media type in both)");
    }
    String declared = field != null ? field : header;
    boolean index = isIndex(root, declared, doc);
    // Copied once here: the caller keeps no handle on the bytes the model holds.
    byte[] copy = raw.clone();
    if (index) {
      return ImageIndex.fromJson(copy, root, declared != null ? declared : MediaTypes.OCI_INDEX);
    }
    return ImageManifest.fromJson(
        copy, root, declared != null ? declared : MediaTypes.OCI_MANIFEST);
  }

  /** The essence of an informative Content-Type; null when absent or generic. */
  private static String headerType(String contentType) {
    if (contentType == null) {
      return null;
    }
    String essence = MediaTypes.essence(contentType);
    if (essence.isEmpty() || GENERIC_TYPES.contains(essence)) {
      return null;
    }
    if (!MediaTypes.isSchema1(essence)
        && !MediaTypes.isManifest(essence)
        && !MediaTypes.isIndex(essence)) {
      throw Where.of("manifest")
          .fail(
              "Content-Type "
                  + Json.quote(contentType)
                  + " is not a manifest or index type (expected: "
                  + SUPPORTED
                  + ")");
    }
    return essence;
  }

  private static void refuseSchema1(ObjectNode root, Where doc) {
    JsonNode version = root.get("schemaVersion");
    if (version != null
        && version.canConvertToInt()
        && version.isIntegralNumber()
        && version.intValue() == 1) {
      throw schema1(doc, "schemaVersion 1");
    }
    String mediaType = root.path("mediaType").textValue();
    if (mediaType != null && MediaTypes.isSchema1(mediaType)) {
      throw schema1(doc, "mediaType " + Json.quote(mediaType));
    }
    for (String field : new String[] {"signatures", "fsLayers"}) {
      if (root.has(field)) {
        throw schema1(doc, "a \"" + field + "\" field");
      }
    }
  }

  private static InvalidManifestException schema1(Where doc, String evidence) {
    return doc.fail(
        "Docker image manifest schema 1 ("
            + evidence
            + ") is not supported (expected: schema 2 or OCI; push the image again with a current"
            + " Docker, containerd, skopeo or crane client)");
  }

  private static void checkSchemaVersion(ObjectNode root, Where doc) {
    JsonNode version = Json.opt(root, "schemaVersion");
    if (version == null) {
      throw doc.field("schemaVersion").missing("2");
    }
    if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != 2) {
      throw doc.field("schemaVersion").fail(Json.show(version) + " (expected: 2)");
    }
  }

  private static boolean isIndex(ObjectNode root, String declared, Where doc) {
    boolean manifestFields = root.has("config") || root.has("layers");
    boolean indexFields = root.has("manifests");
    if (manifestFields && indexFields) {
      throw doc.fail(
          "has both \"manifests\" and \"config\" or \"layers\", so it reads as an index and as a"
              + " manifest (expected: one kind of document)");
    }
    if (declared != null) {
      return MediaTypes.isIndex(declared);
    }
    if (!manifestFields && !indexFields) {
      throw doc.fail(
          "has no mediaType, no Content-Type, and neither \"config\" nor \"manifests\" (expected:"
              + " an image manifest or an image index)");
    }
    return indexFields;
  }
}
