package dev.shoal.core.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The content digest algorithms of the OCI image spec ("Digests" section) that Shoal accepts. */
public enum DigestAlgorithm {
  SHA256("sha256", "SHA-256", 64),
  SHA512("sha512", "SHA-512", 128);

  private final String prefix;
  private final String jcaName;
  private final int hexLength;

  DigestAlgorithm(String prefix, String jcaName, int hexLength) {
    this.prefix = prefix;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
  }

  /** The name used in digest strings, e.g. {@code sha256}. */
  public String prefix() {
    return prefix;
  }

  /** Number of lowercase hex characters in an encoded digest of this algorithm. */
  public int hexLength() {
    return hexLength;
  }

  /** A fresh JCA hasher for this algorithm. */
  public MessageDigest newHasher() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      // Every Java 17 runtime ships SHA-256 and SHA-512.
      throw new IllegalStateException(jcaName + " is missing from this Java runtime", e);
    }
  }

  /** Looks up an algorithm by its digest-string name; {@code null} when unknown. */
  static DigestAlgorithm byPrefix(String prefix) {
    for (DigestAlgorithm a : values()) {
      if (a.prefix.equals(prefix)) {
        return a;
      }
    }
    return null;
  }
}
