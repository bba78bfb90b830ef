package dev.shoal.core.testing;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.registry.Credentials;
import dev.shoal.core.registry.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The real CNCF distribution registry ({@code /usr/bin/docker-registry}, Debian package {@code
 * docker-registry}) as a child process on 127.0.0.1, storing in a test's temp dir. Tests that need
 * it call {@link #assumeInstalled()} first, so they are skipped where it is not installed.
 *
 * <pre>{@code
 * try (CncfRegistry registry = CncfRegistry.start(tempDir)) { … registry.baseUri() … }
 * }</pre>
 */
public final class CncfRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  public static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");
  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final Process process;
  private final URI baseUri;
  private final Path log;
  private final Credentials credentials;

  private CncfRegistry(Process process, URI baseUri, Path log, Credentials credentials) {
    this.process = process;
    this.baseUri = baseUri;
    this.log = log;
    this.credentials = credentials;
  }

  /** Skips the calling test (JUnit assumption) when the registry is not installed. */
  public static void assumeInstalled() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(BINARY), BINARY + " is not installed (apt-get install docker-registry)");
  }

  /** Skips the calling test unless both the registry and {@code htpasswd} are installed. */
  public static void assumeInstalledWithHtpasswd() {
    assumeInstalled();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(HTPASSWD),
        HTPASSWD + " is not installed (apt-get install apache2-utils)");
  }

  /** A registry without authentication. */
  public static CncfRegistry start(Path dir) throws IOException, InterruptedException {
    return start(dir, null, null);
  }

  /** A registry with htpasswd Basic authentication for one user (bcrypt, as the registry needs). */
  public static CncfRegistry start(Path dir, String user, String password)
      throws IOException, InterruptedException {
    requireNonNull(dir, "dir");
    int port = FreePorts.one();
    Path storage = Files.createDirectories(dir.resolve("storage"));
    StringBuilder config = new StringBuilder();
    config
        .append("version: 0.1\n")
        .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(storage)
        .append("\n  delete:\n    enabled: true\n")
        .append("http:\n  addr: 127.0.0.1:")
        .append(port)
        .append("\n  secret: shoal-test-secret\n");
    if (user != null) {
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, htpasswdLine(user, password));
      config
          .append("auth:\n  htpasswd:\n    realm: shoal-test\n    path: ")
          .append(htpasswd)
          .append('\n');
    }
    Path configFile = dir.resolve("config.yml");
    Files.writeString(configFile, config.toString());
    Path log = dir.resolve("registry.log");
    Process process =
        new ProcessBuilder(BINARY.toString(), "serve", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    URI baseUri = URI.create("http://127.0.0.1:" + port);
    Credentials credentials =
        user == null ? Credentials.none() : Credentials.of(baseUri.getAuthority(), user, password);
    CncfRegistry registry = new CncfRegistry(process, baseUri, log, credentials);
    try {
      registry.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return baseUri;
  }

  /** A client of this registry, logged in as its htpasswd user when it has one. */
  public RegistryClient client() {
    return RegistryClient.builder(baseUri).credentials(credentials).build();
  }

  /** What the registry logged so far, for failure messages. */
  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Polls {@code /v2/} until it answers (200, or 401 with auth), for at most {@link #STARTUP}. */
  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ping =
        HttpRequest.newBuilder(baseUri.resolve("/v2/")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        int status = http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet: poll again.
      }
      // Polling a child process's port is the one wait with nothing to be notified by.
      Thread.sleep(50);
    }
    throw new IOException(
        "docker-registry did not answer on " + baseUri + " within " + STARTUP + ":\n" + log());
  }

  private static String htpasswdLine(String user, String password)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(HTPASSWD.toString(), "-nbB", user, password)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("htpasswd failed: " + out);
    }
    return out.strip() + "\n";
  }
}
