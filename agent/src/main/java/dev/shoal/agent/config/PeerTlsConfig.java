package dev.shoal.agent.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The peer port's mTLS files, PEM, as {@code deploy/tls/make-certs.sh} or cert-manager writes them.
 *
 * @param ca the fleet CA's certificate(s): the only issuer whose certificates this agent accepts,
 *     from servers and clients alike
 * @param cert this agent's certificate, optionally followed by intermediates
 * @param key this agent's private key, PKCS#8 ({@code BEGIN PRIVATE KEY}), unencrypted
 */
public record PeerTlsConfig(Path ca, Path cert, Path key) {
  public PeerTlsConfig {
    requireNonNull(ca, "ca");
    requireNonNull(cert, "cert");
    requireNonNull(key, "key");
  }
}
