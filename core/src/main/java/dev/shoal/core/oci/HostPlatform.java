package dev.shoal.core.oci;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The platform of this host in Go's terms ({@code linux/amd64}), and the choice of an image index's
 * manifest for it (image spec "Image Index", platform).
 */
public final class HostPlatform {
  private HostPlatform() {}

  /** {@code linux} and the JVM's {@code os.arch} as Go names it. */
  public static Platform current() {
    String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String arch =
        switch (a) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          default -> a;
        };
    return Platform.of("linux", arch);
  }

  /**
   * The first manifest of an index for {@code host}: same OS and architecture (any variant); a
   * manifest without a platform counts as a match only when no manifest names this platform.
   */
  public static Optional<Descriptor> choose(List<Descriptor> manifests, Platform host) {
    Descriptor unlabelled = null;
    for (Descriptor d : manifests) {
      Platform p = d.platform();
      if (p == null) {
        unlabelled = unlabelled == null ? d : unlabelled;
      } else if (p.os().equals(host.os()) && p.architecture().equals(host.architecture())) {
        return Optional.of(d);
      }
    }
    return Optional.ofNullable(unlabelled);
  }
}
