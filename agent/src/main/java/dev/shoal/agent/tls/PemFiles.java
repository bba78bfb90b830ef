package dev.shoal.agent.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of the peer port's mTLS (RFC 7468): certificates, and a PKCS#8 private key.
 * Every error names the setting and the file.
 */
final class PemFiles {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private PemFiles() {}

  /** Every certificate in {@code file}, in order; at least one. */
  static List<X509Certificate> certificates(String key, Path file) throws IOException {
    byte[] pem = read(key, file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      x509.generateCertificates(new ByteArrayInputStream(pem))
          .forEach(c -> out.add((X509Certificate) c));
    } catch (CertificateException e) {
      throw new IOException(key + " " + file + ": not a PEM certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(key + " " + file + ": no certificate in it (expected: PEM)");
    }
    return out;
  }

  /**
   * The PKCS#8 private key in {@code file}, checked to belong to {@code publicKey} (this agent's
   * certificate): a signature made with it must verify with the certificate's key.
   */
  static PrivateKey privateKey(String key, Path file, PublicKey publicKey) throws IOException {
    String pem = new String(read(key, file), StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw new IOException(
          key
              + " "
              + file
              + ": no PKCS#8 key (expected: -----BEGIN PRIVATE KEY-----; convert one with"
              + " openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    String algorithm = publicKey.getAlgorithm();
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(
          key + " " + file + ": not a " + algorithm + " key like the certificate's", e);
    }
    if (!matches(privateKey, publicKey)) {
      throw new IOException(key + " " + file + ": does not belong to the certificate");
    }
    return privateKey;
  }

  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) throws IOException {
    String scheme =
        switch (publicKey.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (scheme == null) {
      return true; // an unusual key type: the TLS handshake is the check
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature sign = Signature.getInstance(scheme);
      sign.initSign(privateKey);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(scheme);
      verify.initVerify(publicKey);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot check the key against the certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] read(String key, Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException(key + " " + file + ": cannot read: " + e, e);
    }
  }
}
