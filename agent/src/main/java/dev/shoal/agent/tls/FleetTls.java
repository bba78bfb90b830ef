package dev.shoal.agent.tls;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.config.PeerTlsConfig;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mTLS on the peer port with a fleet CA: the server asks every client for a certificate the fleet
 * CA signed, and the client accepts a server only with one (see {@link FleetTrustManager} for why
 * host names are not matched). The files are read again by {@link #reloadIfChanged}, so renewed
 * certificates (cert-manager) are used without a restart; unusable new files keep the old ones.
 */
public final class FleetTls {
  private static final Logger log = LoggerFactory.getLogger(FleetTls.class);
  private static final char[] NO_PASSWORD = new char[0];

  /** What was read from the three files, and the files' stamps when it was. */
  private record Material(
      X509Certificate certificate,
      X509ExtendedKeyManager keys,
      X509ExtendedTrustManager trust,
      List<String> stamps) {}

  /**
   * How long a TLS session may be resumed. Resuming skips the certificates, so this bounds how long
   * an identity outlives a renewal on the other side; peers keep their connections open, so
   * resumption saves little.
   */
  static final long SESSION_SECONDS = 300;

  private final PeerTlsConfig files;
  private volatile Material material;
  // The contexts built so far, whose sessions a reload ends.
  private final List<SslContext> built = new CopyOnWriteArrayList<>();

  private FleetTls(PeerTlsConfig files, Material material) {
    this.files = files;
    this.material = material;
  }

  /**
   * Reads and checks the files: the key belongs to the certificate, and the fleet CA accepts the
   * certificate both as a server's and as a client's.
   *
   * @throws IOException one line naming the setting and the file at fault
   */
  public static FleetTls load(PeerTlsConfig files) throws IOException {
    requireNonNull(files, "files");
    Material m = read(files);
    log.info(
        "peer port mTLS subject={} notAfter={} ca={}",
        m.certificate().getSubjectX500Principal().getName(),
        m.certificate().getNotAfter().toInstant(),
        files.ca());
    return new FleetTls(files, m);
  }

  /** The certificate this agent presents now. */
  public X509Certificate certificate() {
    return material.certificate();
  }

  /** The peer port's server side: a client certificate signed by the fleet CA is required. */
  public SslContext serverContext() throws IOException {
    SslContextBuilder b =
        SslContextBuilder.forServer(new ReloadingKeyManager(() -> material.keys()))
            .trustManager(new FleetTrustManager(() -> material.trust()))
            .clientAuth(ClientAuth.REQUIRE)
            .sessionTimeout(SESSION_SECONDS);
    return remember(GrpcSslContexts.configure(b, SslProvider.JDK).build());
  }

  /** The client side towards other agents: presents this agent's certificate. */
  public SslContext clientContext() throws IOException {
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .keyManager(new ReloadingKeyManager(() -> material.keys()))
            .trustManager(new FleetTrustManager(() -> material.trust()))
            .sessionTimeout(SESSION_SECONDS);
    return remember(GrpcSslContexts.configure(b, SslProvider.JDK).build());
  }

  /**
   * Reads the files again if any changed since they were last read. New connections use the new
   * certificates; connections already open keep theirs.
   *
   * @return whether new files were taken
   */
  public boolean reloadIfChanged() {
    try {
      if (stamps(files).equals(material.stamps())) {
        return false;
      }
      material = read(files);
      // A resumed session would present the old certificate again: the next connections
      // handshake in full.
      built.forEach(FleetTls::forgetSessions);
      log.info(
          "peer TLS files reloaded subject={} notAfter={}",
          material.certificate().getSubjectX500Principal().getName(),
          material.certificate().getNotAfter().toInstant());
      return true;
    } catch (IOException e) {
      // Mid-rotation (a half-written file) or a bad renewal: the files in use stay valid.
      log.warn(
          "cannot reload the peer TLS files, keeping the ones in use error={}", e.getMessage());
      return false;
    }
  }

  private SslContext remember(SslContext context) {
    built.add(context);
    return context;
  }

  private static void forgetSessions(SslContext context) {
    SSLSessionContext sessions = context.sessionContext();
    for (byte[] id : Collections.list(sessions.getIds())) {
      SSLSession s = sessions.getSession(id);
      if (s != null) {
        s.invalidate();
      }
    }
  }

  private static Material read(PeerTlsConfig files) throws IOException {
    List<String> stamps = stamps(files);
    List<X509Certificate> cas = PemFiles.certificates("peer.tls.ca", files.ca());
    List<X509Certificate> chain = PemFiles.certificates("peer.tls.cert", files.cert());
    PrivateKey key = PemFiles.privateKey("peer.tls.key", files.key(), chain.get(0).getPublicKey());
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("fleet-ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trusted);
      X509ExtendedTrustManager trust = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];

      KeyStore own = KeyStore.getInstance("PKCS12");
      own.load(null, null);
      own.setKeyEntry("peer", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("NewSunX509");
      kmf.init(own, NO_PASSWORD);
      X509ExtendedKeyManager keys = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];

      X509Certificate[] mine = chain.toArray(new X509Certificate[0]);
      try {
        // What the other agents will check: as a server (TLS 1.3 names no key exchange), and as
        // a client.
        trust.checkServerTrusted(mine, "UNKNOWN");
        trust.checkClientTrusted(mine, mine[0].getPublicKey().getAlgorithm());
      } catch (CertificateException e) {
        throw new IOException(
            "peer.tls.cert "
                + files.cert()
                + ": not accepted by the fleet CA in "
                + files.ca()
                + ": "
                + e.getMessage(),
            e);
      }
      return new Material(mine[0], keys, trust, stamps);
    } catch (GeneralSecurityException e) {
      throw new IOException("peer.tls: cannot use the files: " + e.getMessage(), e);
    }
  }

  private static List<String> stamps(PeerTlsConfig files) throws IOException {
    return List.of(
        stamp("peer.tls.ca", files.ca()),
        stamp("peer.tls.cert", files.cert()),
        stamp("peer.tls.key", files.key()));
  }

  /** Changes when the file is rewritten or replaced (a Kubernetes Secret swaps a symlink). */
  private static String stamp(String key, Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.fileKey() + "/" + a.lastModifiedTime() + "/" + a.size();
    } catch (IOException e) {
      throw new IOException(key + " " + file + ": cannot read: " + e, e);
    }
  }
}
