package dev.shoal.agent.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer whose certificate chain the fleet CA signed, whatever address it was dialled at:
 * the chain, validity and key usage are checked (PKIX, RFC 5280), the host name is not (RFC 6125 is
 * skipped on purpose). Peers are addressed by IP from DNS or a peers file, and pod IPs change; the
 * fleet CA issues certificates to agents only, so "signed by the fleet CA" is the identity.
 */
final class FleetTrustManager extends X509ExtendedTrustManager {
  private final Supplier<X509ExtendedTrustManager> pkix;

  /** {@code pkix}: the JDK's validator over the current fleet CA, read on every handshake. */
  FleetTrustManager(Supplier<X509ExtendedTrustManager> pkix) {
    this.pkix = pkix;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.get().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.get().checkServerTrusted(chain, authType);
  }

  // The variants with a connection are where the JDK would match the host name; they check the
  // chain alone.

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.get().getAcceptedIssuers();
  }
}
