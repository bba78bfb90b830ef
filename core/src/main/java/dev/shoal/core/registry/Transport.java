package dev.shoal.core.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link RegistryRequest}s to one registry: authentication (one retry after a 401 challenge),
 * retries with backoff on connection errors, 5xx and 429, and redirects followed by hand, where
 * {@code Authorization} goes only to the registry's own origin, never to the object store a blob is
 * redirected to.
 *
 * <p>The caller owns the returned response body and must close it.
 */
final class Transport {
  private static final Logger log = LoggerFactory.getLogger(Transport.class);
  private static final int MAX_REDIRECTS = 5;

  private final HttpClient http;
  private final URI base;
  private final String userAgent;
  private final Duration timeout;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final Authenticator auth;

  Transport(
      HttpClient http,
      URI base,
      String userAgent,
      Duration timeout,
      RetryPolicy retry,
      Sleeper sleeper,
      DoubleSupplier random,
      Authenticator auth) {
    this.http = http;
    this.base = base;
    this.userAgent = userAgent;
    this.timeout = timeout;
    this.retry = retry;
    this.sleeper = sleeper;
    this.random = random;
    this.auth = auth;
  }

  URI base() {
    return base;
  }

  /** The same registry and connections, sending {@code header} as {@code Authorization}. */
  Transport withAuthorization(String header) {
    return new Transport(
        http, base, userAgent, timeout, retry, sleeper, random, auth.fixed(header));
  }

  /** Sends the request; any final status is returned, for the endpoint to judge. */
  HttpResponse<InputStream> send(RegistryRequest req) throws IOException {
    try {
      return loop(req);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(req.what() + ": interrupted", e);
    }
  }

  private HttpResponse<InputStream> loop(RegistryRequest req)
      throws IOException, InterruptedException {
    URI uri = req.uri();
    boolean answeredChallenge = false;
    int failures = 0;
    int redirects = 0;
    while (true) {
      boolean ownOrigin = sameOrigin(uri, base);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent);
      req.headers().forEach(b::header);
      if (ownOrigin) {
        Optional<String> authorization = auth.authorization(req.scopes());
        authorization.ifPresent(a -> b.header("Authorization", a));
      }
      b.method(req.method(), req.body().publisher());
      HttpResponse<InputStream> response;
      try {
        response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        failures++;
        if (failures < retry.maxAttempts() && req.body().canSend()) {
          Duration d = retry.backoff(failures, random);
          log.debug("retry what={} attempt={} delay={} error={}", req.what(), failures, d, e);
          sleeper.sleep(d);
          continue;
        }
        throw new RegistryException(
            req.what() + ": " + e + " (after " + failures + " attempt(s))", e);
      }
      int status = response.statusCode();
      if (status == 401 && ownOrigin && !answeredChallenge && req.body().canSend()) {
        Optional<AuthChallenge> challenge =
            AuthChallenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(null));
        if (challenge.isPresent() && auth.answer(challenge.get(), req.scopes())) {
          discard(response);
          answeredChallenge = true;
          continue;
        }
        return response;
      }
      if ((status >= 500 || status == 429)
          && failures + 1 < retry.maxAttempts()
          && req.body().canSend()) {
        failures++;
        Optional<Duration> serverSaid = retryAfter(response);
        Duration d = serverSaid.isPresent() ? serverSaid.get() : retry.backoff(failures, random);
        log.debug("retry what={} status={} attempt={} delay={}", req.what(), status, failures, d);
        discard(response);
        sleeper.sleep(d);
        continue;
      }
      if (req.followRedirects() && isRedirect(status)) {
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isPresent()) {
          discard(response);
          if (++redirects > MAX_REDIRECTS) {
            throw new RegistryException(
                req.what() + ": more than " + MAX_REDIRECTS + " redirects", status, List.of());
          }
          uri = resolve(uri, location.get(), req.what());
          continue;
        }
      }
      return response;
    }
  }

  static URI resolve(URI against, String location, String what) throws RegistryException {
    try {
      return against.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(what + ": bad Location " + location, e);
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return Objects.equals(u.getScheme(), "https") ? 443 : 80;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> v = response.headers().firstValue("Retry-After");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(retry.retryAfter(Long.parseLong(v.get().strip())));
    } catch (NumberFormatException e) {
      // An HTTP-date: the backoff is used instead, rather than trusting two clocks to agree.
      return Optional.empty();
    }
  }

  static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.skip(ErrorBodies.MAX_ERROR_BODY);
    } catch (IOException e) {
      // The answer is being thrown away; a broken connection only means it cannot be reused.
    }
  }
}
