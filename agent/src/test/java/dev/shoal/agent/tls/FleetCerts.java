package dev.shoal.agent.tls;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shoal.agent.config.PeerTlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fleet CA and host certificates made by {@code deploy/tls/make-certs.sh} as shipped, so the
 * tests use what users run.
 */
public final class FleetCerts {
  public static final Path SCRIPT =
      Path.of(System.getProperty("shoal.root", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy/tls/make-certs.sh");

  private final Path dir;

  private FleetCerts(Path dir) {
    this.dir = dir;
  }

  /**
   * Runs the script: a CA in {@code dir} (made on the first call) and a certificate per host. Skips
   * the test when openssl is not installed.
   */
  public static FleetCerts make(Path dir, String... hosts)
      throws IOException, InterruptedException {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/openssl")),
        "openssl is not installed (apt-get install openssl)");
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), dir.toString()));
    command.addAll(List.of(hosts));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(SCRIPT + " failed: " + output);
    }
    return new FleetCerts(dir);
  }

  public Path ca() {
    return dir.resolve("ca.crt");
  }

  public Path cert(String host) {
    return dir.resolve(host + ".crt");
  }

  public Path key(String host) {
    return dir.resolve(host + ".key");
  }

  /** The three files of {@code host}'s peer port. */
  public PeerTlsConfig files(String host) {
    return new PeerTlsConfig(ca(), cert(host), key(host));
  }
}
