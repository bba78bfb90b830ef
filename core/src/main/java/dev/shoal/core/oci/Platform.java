package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.oci.Json.Where;
import java.util.List;

/**
 * The platform an image runs on, as in the image index's {@code platform} object (image spec "Image
 * Index", image-index.md) and the image config's platform fields (config.md).
 *
 * @param architecture CPU architecture in Go's {@code GOARCH} terms, e.g. {@code amd64}, {@code
 *     arm64}
 * @param os operating system in Go's {@code GOOS} terms, e.g. {@code linux}
 * @param osVersion {@code os.version}, or null; mostly for Windows
 * @param osFeatures {@code os.features}; empty when absent
 * @param variant CPU variant, e.g. {@code v8} for arm64, or null
 */
public record Platform(
    String architecture, String os, String osVersion, List<String> osFeatures, String variant) {

  public Platform {
    requireNonNull(architecture, "architecture");
    requireNonNull(os, "os");
    requireNonNull(osFeatures, "osFeatures");
    check(architecture, os, Where.of("platform"));
    osFeatures = List.copyOf(osFeatures);
    // An empty string is how Docker writes "not set"; one spelling for one meaning.
    osVersion = osVersion == null || osVersion.isEmpty() ? null : osVersion;
    variant = variant == null || variant.isEmpty() ? null : variant;
  }

  /** A platform with only an operating system and an architecture. */
  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, null, List.of(), null);
  }

  /**
   * Parses the {@code os/architecture[/variant]} form used by {@code --platform} flags, e.g. {@code
   * linux/arm64/v8}.
   *
   * @throws IllegalArgumentException quoting the input and saying what was expected
   */
  public static Platform parse(String s) {
    requireNonNull(s, "s");
    String[] parts = s.split("/", -1);
    boolean ok = parts.length >= 2 && parts.length <= 3;
    for (int i = 0; ok && i < parts.length; i++) {
      ok = !parts[i].isEmpty();
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "platform: "
              + Json.quote(s)
              + " (expected: os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8)");
    }
    return new Platform(parts[1], parts[0], null, List.of(), parts.length == 3 ? parts[2] : null);
  }

  /** {@code os/architecture[/variant]}, the form {@link #parse} reads. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }

  static Platform fromJson(ObjectNode node, Where where) {
    String architecture =
        Json.reqString(node, "architecture", where, "a CPU architecture such as amd64");
    String os = Json.reqString(node, "os", where, "an operating system such as linux");
    check(architecture, os, where);
    return new Platform(
        architecture,
        os,
        Json.optString(node, "os.version", where),
        Json.stringList(node, "os.features", where, false),
        Json.optString(node, "variant", where));
  }

  ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("architecture", architecture);
    o.put("os", os);
    if (osVersion != null) {
      o.put("os.version", osVersion);
    }
    if (!osFeatures.isEmpty()) {
      o.set("os.features", Json.strings(osFeatures));
    }
    if (variant != null) {
      o.put("variant", variant);
    }
    return o;
  }

  private static void check(String architecture, String os, Where where) {
    if (architecture.isEmpty()) {
      throw where.field("architecture").fail("empty (expected: a CPU architecture such as amd64)");
    }
    if (os.isEmpty()) {
      throw where.field("os").fail("empty (expected: an operating system such as linux)");
    }
  }
}
