package dev.shoal.core.digest;

import static java.util.Objects.requireNonNull;

import java.util.HexFormat;

/**
 * A content digest, {@code algorithm:hex}, as defined by the OCI image spec ("Digests").
 *
 * <p>Only sha256 and sha512 are accepted, and only in their canonical form: lowercase hex of
 * exactly the algorithm's length. Anything else is refused, because a registry that accepted {@code
 * SHA256:ABC…} would have two names for one blob.
 */
public record Digest(DigestAlgorithm algorithm, String hex) implements Comparable<Digest> {

  private static final int MAX_QUOTED = 80;

  public Digest {
    requireNonNull(algorithm, "algorithm");
    requireNonNull(hex, "hex");
    checkHex(algorithm, hex, algorithm.prefix() + ":" + hex);
  }

  /**
   * Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}.
   *
   * @throws InvalidDigestException quoting the input and saying what was expected
   */
  public static Digest parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new InvalidDigestException("digest: empty (expected: sha256:<64 lowercase hex>)");
    }
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new InvalidDigestException(
          "digest: " + quote(s) + " has no algorithm (expected: sha256:<64 lowercase hex>)");
    }
    String prefix = s.substring(0, colon);
    DigestAlgorithm algorithm = DigestAlgorithm.byPrefix(prefix);
    if (algorithm == null) {
      throw new InvalidDigestException(
          "digest: "
              + quote(s)
              + " uses unknown algorithm "
              + quote(prefix)
              + " (expected: sha256 or sha512)");
    }
    String hex = s.substring(colon + 1);
    checkHex(algorithm, hex, s);
    return new Digest(algorithm, hex);
  }

  /**
   * Whether {@code s} parses as a digest; for routing, where a tag and a digest share a path slot.
   */
  public static boolean isDigest(String s) {
    try {
      parse(s);
      return true;
    } catch (InvalidDigestException e) {
      return false;
    }
  }

  /** The SHA-256 digest of the given bytes. */
  public static Digest sha256Of(byte[] bytes) {
    return of(DigestAlgorithm.SHA256, DigestAlgorithm.SHA256.newHasher().digest(bytes));
  }

  /** Wraps raw hash output of {@code algorithm}. */
  public static Digest of(DigestAlgorithm algorithm, byte[] raw) {
    return new Digest(algorithm, HexFormat.of().formatHex(raw));
  }

  /** The raw hash bytes. */
  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  /** {@code sha256:…}, the form used on the wire and as index keys. */
  @Override
  public String toString() {
    return algorithm.prefix() + ":" + hex;
  }

  /** First twelve hex characters, for logs and tables. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(Digest o) {
    int c = algorithm.compareTo(o.algorithm);
    return c != 0 ? c : hex.compareTo(o.hex);
  }

  private static void checkHex(DigestAlgorithm algorithm, String hex, String input) {
    if (hex.length() != algorithm.hexLength()) {
      throw new InvalidDigestException(
          "digest: "
              + quote(input)
              + " has "
              + hex.length()
              + " hex characters (expected: "
              + algorithm.hexLength()
              + " for "
              + algorithm.prefix()
              + ")");
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        throw new InvalidDigestException(
            "digest: "
                + quote(input)
                + " has "
                + quote(String.valueOf(c))
                + " at position "
                + i
                + " of the hex (expected: lowercase hex 0-9a-f)");
      }
    }
  }

  /** Quotes outside input for an error message, cut short so a 1 MB header cannot flood a log. */
  static String quote(String s) {
    String cut = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "…" : s;
    return '"' + cut + '"';
  }
}
