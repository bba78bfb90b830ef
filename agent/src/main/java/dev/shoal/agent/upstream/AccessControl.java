package dev.shoal.agent.upstream;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.registry.UnauthorizedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the upstream's authorization in force for what the mirror serves from its cache: content of
 * a repository goes to a caller only after the upstream accepted that caller (its credentials, or
 * none for a public repository) for that repository. The upstream's yes is remembered per
 * repository and credential for {@code ttl}; while the upstream is unreachable, a yes up to {@code
 * stale} old still counts, so that cached content keeps flowing through an outage.
 *
 * <p>Credentials are remembered only as a SHA-256 of the header. A refusal is never remembered (the
 * next request asks again), but it ends an earlier yes to the same caller at once, so that an
 * outage right after cannot revive it.
 */
public final class AccessControl {
  private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

  /** A question to the upstream that succeeds only if the caller may pull. */
  @FunctionalInterface
  public interface Probe<T> {
    T ask(RegistryClient client) throws IOException;
  }

  private final Duration ttl;
  private final Duration stale;
  private final Clock clock;
  private final Cache<String, Instant> grants;
  // The last 401 challenge per upstream and repository, to answer a caller without credentials
  // while the upstream is down: it then retries with the credentials its last grant was for.
  private final Cache<String, UnauthorizedException> challenges;

  public AccessControl(Duration ttl, Duration stale, Clock clock) {
    this.ttl = requireNonNull(ttl, "ttl");
    this.stale = requireNonNull(stale, "stale");
    this.clock = requireNonNull(clock, "clock");
    this.grants = Caffeine.newBuilder().maximumSize(100_000).build();
    this.challenges = Caffeine.newBuilder().maximumSize(10_000).build();
  }

  /** Whether the caller was accepted for {@code repo} within {@code ttl}. */
  public boolean granted(Upstream upstream, String repo, String authorization) {
    return grantedWithin(upstream, repo, authorization, ttl);
  }

  /**
   * Asks the upstream with the caller's client; success grants the caller {@code repo}, an answer
   * that refuses (401, 403, 404) withdraws any earlier grant.
   *
   * @throws IOException what the upstream answered (or that it did not), for {@link
   *     UpstreamErrors#toHttp}
   */
  public <T> T ask(Upstream upstream, String repo, String authorization, Probe<T> probe)
      throws IOException {
    String key = key(upstream, repo, authorization);
    T answer;
    try {
      answer = probe.ask(upstream.clientFor(authorization));
    } catch (IOException e) {
      if (!UpstreamErrors.unreachable(e)) {
        grants.invalidate(key);
      }
      if (e instanceof UnauthorizedException u && u.status() == 401 && u.challenge().isPresent()) {
        challenges.put(challengeKey(upstream, repo), u);
      }
      throw e;
    }
    grants.put(key, clock.instant());
    return answer;
  }

  /**
   * Lets the caller through if it was granted {@code repo} recently, else asks the upstream. With
   * the upstream unreachable, an older grant (within {@code stale}) lets it through too.
   *
   * @throws HttpError the answer for a caller the upstream refused or could not judge
   */
  public <T> Optional<T> check(
      Upstream upstream, String repo, String authorization, Probe<T> probe, String notFoundCode)
      throws HttpError {
    if (granted(upstream, repo, authorization)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ask(upstream, repo, authorization, probe));
    } catch (IOException e) {
      if (UpstreamErrors.unreachable(e) && grantedWithin(upstream, repo, authorization, stale)) {
        log.warn(
            "upstream unreachable, serving on an earlier grant upstream={} repository={} error={}",
            upstream.name(),
            repo,
            e.getMessage());
        return Optional.empty();
      }
      throw refusal(upstream, repo, authorization, e, notFoundCode);
    }
  }

  /**
   * The answer to a caller the upstream could not be asked about or refused: with the upstream
   * unreachable, a caller without credentials for a repository that wanted some gets that challenge
   * again (so it comes back with the credentials a stale grant may still accept); otherwise {@link
   * UpstreamErrors#toHttp}.
   */
  public HttpError refusal(
      Upstream upstream, String repo, String authorization, IOException e, String notFoundCode) {
    if (authorization == null && UpstreamErrors.unreachable(e)) {
      UnauthorizedException challenge = challenges.getIfPresent(challengeKey(upstream, repo));
      if (challenge != null) {
        return UpstreamErrors.toHttp(upstream, challenge, notFoundCode);
      }
    }
    return UpstreamErrors.toHttp(upstream, e, notFoundCode);
  }

  /** Whether a grant up to {@code stale} old exists, for answers while the upstream is down. */
  public boolean grantedStale(Upstream upstream, String repo, String authorization) {
    return grantedWithin(upstream, repo, authorization, stale);
  }

  private boolean grantedWithin(
      Upstream upstream, String repo, String authorization, Duration window) {
    // A repository anyone may read needs no credentials from this caller either.
    return within(grants.getIfPresent(key(upstream, repo, null)), window)
        || (authorization != null
            && within(grants.getIfPresent(key(upstream, repo, authorization)), window));
  }

  private boolean within(Instant granted, Duration window) {
    return granted != null && !granted.plus(window).isBefore(clock.instant());
  }

  private static String challengeKey(Upstream upstream, String repo) {
    return upstream.name() + '\n' + repo;
  }

  private static String key(Upstream upstream, String repo, String authorization) {
    // An upstream with credentials of its own grants the host, not a caller: one key for all. It is
    // not the anonymous key, which says "public": a relaying upstream of the same registry (the
    // default one, say) must not take the host's yes for anyone's.
    String who;
    if (upstream.ownCredentials()) {
      who = "+host";
    } else if (authorization == null) {
      who = "-";
    } else {
      who = Digest.sha256Of(authorization.getBytes(StandardCharsets.UTF_8)).hex();
    }
    return upstream.name() + '\n' + repo + '\n' + who;
  }
}
