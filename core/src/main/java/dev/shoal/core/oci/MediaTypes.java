package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Media types of OCI images (image spec "Media Types", media-types.md) and of Docker images (Image
 * Manifest V2, Schema 2), with the predicates the registry and the runtime ask about.
 *
 * <p>The predicates compare the essence of a media type ({@code type/subtype}, lowercase, without
 * parameters), so a Content-Type header such as {@code application/vnd.oci.image.manifest.v1+json;
 * charset=utf-8} is recognised.
 */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

  /** The empty JSON object {@code {}}, the config of artifacts that have none (OCI 1.1). */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Docker schema 1, unsigned. Refused: Shoal reads schema 2 and OCI only. */
  public static final String DOCKER_SCHEMA1_MANIFEST =
      "application/vnd.docker.distribution.manifest.v1+json";

  /** Docker schema 1 with a JWS signature. Refused: Shoal reads schema 2 and OCI only. */
  public static final String DOCKER_SCHEMA1_SIGNED_MANIFEST =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** The manifest and index types Shoal reads, in preference order, for an Accept header. */
  public static final List<String> MANIFEST_TYPES =
      List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  private static final Set<String> LAYERS =
      Set.of(
          OCI_LAYER_TAR,
          OCI_LAYER_TAR_GZIP,
          OCI_LAYER_TAR_ZSTD,
          OCI_LAYER_NONDISTRIBUTABLE_TAR,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD,
          DOCKER_LAYER_GZIP,
          DOCKER_FOREIGN_LAYER_GZIP);

  private static final Set<String> NONDISTRIBUTABLE =
      Set.of(
          OCI_LAYER_NONDISTRIBUTABLE_TAR,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD,
          DOCKER_FOREIGN_LAYER_GZIP);

  // RFC 6838 section 4.2 restricted-name, as the image spec's descriptor mediaType requires.
  private static final String RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
  private static final Pattern WELL_FORMED =
      Pattern.compile(RESTRICTED_NAME + "/" + RESTRICTED_NAME);

  private MediaTypes() {}

  /**
   * The essence of a media type or Content-Type header value: {@code type/subtype}, trimmed and
   * lowercased, without parameters.
   */
  public static String essence(String mediaType) {
    requireNonNull(mediaType, "mediaType");
    int semicolon = mediaType.indexOf(';');
    String bare = semicolon < 0 ? mediaType : mediaType.substring(0, semicolon);
    return bare.strip().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code mediaType} is {@code type/subtype} by RFC 6838, without parameters. */
  public static boolean isWellFormed(String mediaType) {
    requireNonNull(mediaType, "mediaType");
    return WELL_FORMED.matcher(mediaType).matches();
  }

  /** An OCI image manifest or a Docker schema 2 manifest. */
  public static boolean isManifest(String mediaType) {
    String e = essence(mediaType);
    return e.equals(OCI_MANIFEST) || e.equals(DOCKER_MANIFEST);
  }

  /** An OCI image index or a Docker schema 2 manifest list. */
  public static boolean isIndex(String mediaType) {
    String e = essence(mediaType);
    return e.equals(OCI_INDEX) || e.equals(DOCKER_MANIFEST_LIST);
  }

  /** A layer tar, compressed or not, distributable or not, OCI or Docker. */
  public static boolean isLayer(String mediaType) {
    return LAYERS.contains(essence(mediaType));
  }

  /**
   * A layer that registries may refuse to store and that is fetched from its descriptor's {@code
   * urls} instead (image spec "Non-distributable layers"; Docker "foreign layers").
   */
  public static boolean isNondistributableLayer(String mediaType) {
    return NONDISTRIBUTABLE.contains(essence(mediaType));
  }

  /** A Docker schema 1 manifest, signed or not. */
  public static boolean isSchema1(String mediaType) {
    String e = essence(mediaType);
    return e.equals(DOCKER_SCHEMA1_MANIFEST) || e.equals(DOCKER_SCHEMA1_SIGNED_MANIFEST);
  }
}
