package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import java.nio.file.Path;

/**
 * Where an image goes (or comes from): {@code oci:DIR[:TAG]}, an OCI layout directory, or {@code
 * HOST/REPO:TAG}, a registry repository.
 *
 * @param layout the layout directory, or null
 * @param reference the registry reference, or null
 * @param tag the tag in either case
 */
public record Target(Path layout, ImageReference reference, String tag) {
  public Target {
    requireNonNull(tag, "tag");
    if ((layout == null) == (reference == null)) {
      throw new IllegalArgumentException("exactly one of layout and reference");
    }
  }

  /**
   * Parses {@code oci:DIR[:TAG]} (the tag defaults to {@code latest}) or an image reference with a
   * tag.
   *
   * @throws IllegalArgumentException quoting the input and saying what was expected
   */
  public static Target parse(String s) {
    requireNonNull(s, "s");
    if (s.startsWith("oci:")) {
      String rest = s.substring(4);
      int colon = rest.lastIndexOf(':');
      String dir = rest;
      String tag = ImageReference.DEFAULT_TAG;
      if (colon >= 0 && rest.indexOf('/', colon) < 0) {
        dir = rest.substring(0, colon);
        tag = rest.substring(colon + 1);
        try {
          ImageReference.validateTag(tag);
        } catch (InvalidReferenceException e) {
          throw new IllegalArgumentException(
              "\"" + s + "\": tag \"" + tag + "\" is not a valid tag (expected: oci:DIR:TAG)");
        }
      }
      if (dir.isEmpty()) {
        throw new IllegalArgumentException("\"" + s + "\": no directory (expected: oci:DIR:TAG)");
      }
      return new Target(Path.of(dir), null, tag);
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(s);
    } catch (InvalidReferenceException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (expected: HOST/REPO:TAG or oci:DIR:TAG)");
    }
    if (ref.digest() != null) {
      throw new IllegalArgumentException(
          "\""
              + s
              + "\" names a digest (expected: HOST/REPO:TAG; the digest is printed after the push)");
    }
    return new Target(null, ref, ref.tag());
  }

  public boolean isLayout() {
    return layout != null;
  }

  @Override
  public String toString() {
    return isLayout() ? "oci:" + layout + ":" + tag : reference.familiar();
  }
}
