package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Builds a {@link RegistryClient}; every setting has a default except the base URL. */
public final class RegistryClientBuilder {
  private final URI baseUrl;
  private Credentials credentials = Credentials.none();
  private String credentialsHost;
  private String userAgent = "shoal";
  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration requestTimeout = Duration.ofSeconds(60);
  private RetryPolicy retryPolicy = RetryPolicy.defaults();
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.system();

  RegistryClientBuilder(URI baseUrl) {
    requireNonNull(baseUrl, "baseUrl");
    String scheme = baseUrl.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "baseUrl: \"" + baseUrl + "\" (expected: http(s)://host[:port])");
    }
    this.baseUrl = baseUrl;
  }

  /** Where user names and passwords come from; default none (anonymous). */
  public RegistryClientBuilder credentials(Credentials credentials) {
    this.credentials = requireNonNull(credentials, "credentials");
    return this;
  }

  /**
   * The host credentials are looked up under, when it differs from the base URL's {@code
   * host[:port]} (Docker Hub: base {@code https://registry-1.docker.io}, host {@code docker.io}).
   */
  public RegistryClientBuilder credentialsHost(String host) {
    this.credentialsHost = requireNonNull(host, "host");
    return this;
  }

  public RegistryClientBuilder userAgent(String userAgent) {
    this.userAgent = requireNonNull(userAgent, "userAgent");
    return this;
  }

  /** Default 10 s. */
  public RegistryClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /** Until the answer's headers arrive; default 60 s. A body is read at the caller's pace. */
  public RegistryClientBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = positive(timeout, "requestTimeout");
    return this;
  }

  /** Default {@link RetryPolicy#defaults()}. */
  public RegistryClientBuilder retryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
    return this;
  }

  /** The clock token lifetimes are measured with. */
  public RegistryClientBuilder clock(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
    return this;
  }

  /** How retries wait. */
  public RegistryClientBuilder sleeper(Sleeper sleeper) {
    this.sleeper = requireNonNull(sleeper, "sleeper");
    return this;
  }

  public RegistryClient build() {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .build();
    String host =
        credentialsHost != null
            ? credentialsHost
            : baseUrl.getHost() + (baseUrl.getPort() >= 0 ? ":" + baseUrl.getPort() : "");
    BearerTokens tokens = new BearerTokens(http, clock, requestTimeout, userAgent);
    Authenticator auth = new Authenticator(host, credentials, tokens);
    Transport transport =
        new Transport(
            http,
            baseUrl,
            userAgent,
            requestTimeout,
            retryPolicy,
            sleeper,
            () -> ThreadLocalRandom.current().nextDouble(),
            auth);
    return new HttpRegistryClient(transport);
  }

  private static Duration positive(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }
}
