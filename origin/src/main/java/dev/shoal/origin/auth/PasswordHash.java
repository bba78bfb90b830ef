package dev.shoal.origin.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A PBKDF2-HMAC-SHA256 password hash with its own random salt and iteration count. New hashes use
 * 600,000 iterations (OWASP Password Storage Cheat Sheet for PBKDF2-HMAC-SHA256; 210,000 is its
 * figure for SHA-512 and our floor); the count is stored per hash so it can be raised later.
 */
record PasswordHash(byte[] salt, int iterations, byte[] hash) {
  static final int ITERATIONS = 600_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  PasswordHash {
    if (iterations < 210_000) {
      throw new IllegalArgumentException("iterations: " + iterations + " (expected: >= 210000)");
    }
    salt = salt.clone();
    hash = hash.clone();
  }

  static PasswordHash of(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PasswordHash(salt, ITERATIONS, derive(password, salt, ITERATIONS));
  }

  /** Compares in constant time (independent of where the hashes differ). */
  boolean matches(String password) {
    return MessageDigest.isEqual(hash, derive(password, salt, iterations));
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PasswordHash p
        && iterations == p.iterations
        && Arrays.equals(salt, p.salt)
        && Arrays.equals(hash, p.hash);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash) + iterations;
  }

  @Override
  public String toString() {
    return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]";
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      // Every Java 17 runtime ships PBKDF2WithHmacSHA256 (Java Security Standard Names).
      throw new IllegalStateException(e);
    } finally {
      spec.clearPassword();
    }
  }
}
