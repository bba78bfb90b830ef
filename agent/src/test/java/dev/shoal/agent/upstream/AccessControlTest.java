package dev.shoal.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.shoal.core.http.HttpError;
import dev.shoal.core.registry.NotFoundException;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.registry.RegistryException;
import dev.shoal.core.registry.UnauthorizedException;
import dev.shoal.core.testing.MutableClock;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mirror's memory of what the upstream allowed: per credential and repository, for the TTL,
 * longer only while the upstream cannot be asked; refusals never remembered. Time on a {@link
 * MutableClock}; the upstream's answers scripted (no request leaves the test).
 */
class AccessControlTest {
  private static final Duration TTL = Duration.ofMinutes(1);
  private static final Duration STALE = Duration.ofHours(1);
  private static final String ALICE = "Basic YWxpY2U6cGFzc3dvcmQ=";
  private static final String BOB = "Basic Ym9iOnBhc3N3b3Jk";

  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private final AccessControl access = new AccessControl(TTL, STALE, clock);
  private final Upstream upstream = upstream(false);
  private final Upstream hostCredentials = upstream(true);
  private final Probe probe = new Probe();

  private static Upstream upstream(boolean ownCredentials) {
    URI url = URI.create("http://127.0.0.1:9");
    return new Upstream("registry.test", url, RegistryClient.builder(url).build(), ownCredentials);
  }

  /** The upstream's next answers, in order; the last one repeats. Counts the questions. */
  private static final class Probe implements AccessControl.Probe<String> {
    private final List<IOException> answers = new ArrayList<>();
    private int asked;

    Probe answering(IOException... errors) {
      answers.clear();
      answers.addAll(List.of(errors));
      return this;
    }

    Probe allowing() {
      answers.clear();
      return this;
    }

    @Override
    public String ask(RegistryClient client) throws IOException {
      asked++;
      if (answers.isEmpty()) {
        return "yes";
      }
      throw answers.size() == 1 ? answers.get(0) : answers.remove(0);
    }
  }

  private static IOException unauthorized() {
    return new UnauthorizedException(
        "HEAD blob: HTTP 401", 401, List.of(), "Basic realm=\"registry.test\"");
  }

  private static IOException connectionRefused() {
    return new RegistryException("HEAD blob: refused", new ConnectException("Connection refused"));
  }

  private static IOException unavailable() {
    return new RegistryException("HEAD blob: HTTP 503", 503, List.of());
  }

  private void check(String repo, String auth) throws HttpError {
    access.check(upstream, repo, auth, probe, "BLOB_UNKNOWN");
  }

  /** The status the mirror answers with when {@code check} refuses. */
  private int refusedWith(String repo, String auth) {
    Throwable thrown = catchThrowable(() -> check(repo, auth));
    assertThat(thrown).as("refused").isInstanceOf(HttpError.class);
    FullHttpResponse r = ((HttpError) thrown).response();
    try {
      return r.status().code();
    } finally {
      r.release();
    }
  }

  @Test
  void grant_isRememberedForTheTtl_thenAskedAgain() throws Exception {
    check("team/app", ALICE);
    check("team/app", ALICE);
    clock.advance(TTL);
    check("team/app", ALICE);
    assertThat(probe.asked).as("within the TTL").isEqualTo(1);
    assertThat(access.granted(upstream, "team/app", ALICE)).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(access.granted(upstream, "team/app", ALICE)).isFalse();
    check("team/app", ALICE);
    assertThat(probe.asked).isEqualTo(2);
  }

  @Test
  void grant_isPerCredentialAndRepository() throws Exception {
    check("team/app", ALICE);
    assertThat(access.granted(upstream, "team/app", ALICE)).isTrue();
    assertThat(access.granted(upstream, "team/app", BOB)).isFalse();
    assertThat(access.granted(upstream, "team/app", null)).as("anonymous").isFalse();
    assertThat(access.granted(upstream, "team/other", ALICE)).isFalse();

    probe.answering(unauthorized());
    assertThat(refusedWith("team/app", BOB)).isEqualTo(401);
    assertThat(refusedWith("team/app", null)).isEqualTo(401);
    assertThat(refusedWith("team/other", ALICE)).isEqualTo(401);
    assertThat(probe.asked).isEqualTo(4);
  }

  @Test
  void anonymousGrant_isAPublicRepository_openToEveryCaller() throws Exception {
    check("library/busybox", null);
    assertThat(access.granted(upstream, "library/busybox", ALICE)).isTrue();
    assertThat(access.granted(upstream, "library/busybox", BOB)).isTrue();
    assertThat(access.granted(upstream, "library/other", null)).isFalse();
  }

  @Test
  void upstreamWithItsOwnCredentials_grantsTheHostForEveryCaller() throws Exception {
    access.check(hostCredentials, "team/app", ALICE, probe, "BLOB_UNKNOWN");
    assertThat(access.granted(hostCredentials, "team/app", BOB)).isTrue();
    assertThat(access.granted(hostCredentials, "team/app", null)).isTrue();
    assertThat(probe.asked).isEqualTo(1);
  }

  @Test
  void hostsGrant_isNotAPublicRepositoryForACallerRelayingUpstreamOfTheSameRegistry()
      throws Exception {
    // mirror.upstream and mirror.upstreams may name one registry, once without credentials of
    // the agent's own (callers relayed) and once with: the host's yes is not everyone's.
    access.check(hostCredentials, "team/app", null, probe, "BLOB_UNKNOWN");
    assertThat(access.granted(upstream, "team/app", null)).isFalse();
    assertThat(access.granted(upstream, "team/app", ALICE)).isFalse();
    probe.answering(unauthorized());
    assertThat(refusedWith("team/app", null)).isEqualTo(401);
  }

  @Test
  void refusal_isNeverRemembered() throws Exception {
    probe.answering(unauthorized());
    assertThat(refusedWith("team/app", ALICE)).isEqualTo(401);
    assertThat(refusedWith("team/app", ALICE)).isEqualTo(401);
    assertThat(probe.asked).as("each request asks again").isEqualTo(2);

    probe.allowing();
    check("team/app", ALICE);
    assertThat(access.granted(upstream, "team/app", ALICE)).isTrue();
  }

  @Test
  void upstreamAnswers_areTheMirrorsAnswers() {
    probe.answering(new UnauthorizedException("HTTP 403", 403, List.of()));
    assertThat(refusedWith("team/app", ALICE)).isEqualTo(403);
    probe.answering(new NotFoundException("HTTP 404", List.of()));
    assertThat(refusedWith("team/app", ALICE)).isEqualTo(404);
    probe.answering(connectionRefused());
    assertThat(refusedWith("team/app", ALICE)).as("unreachable, never granted").isEqualTo(502);
  }

  @Test
  void staleGrant_countsOnlyWhileTheUpstreamIsUnreachable() throws Exception {
    check("team/app", ALICE);
    clock.advance(TTL.multipliedBy(5));

    probe.answering(connectionRefused());
    assertThatCode(() -> check("team/app", ALICE)).doesNotThrowAnyException();
    probe.answering(unavailable());
    assertThatCode(() -> check("team/app", ALICE)).doesNotThrowAnyException();
    assertThat(access.grantedStale(upstream, "team/app", ALICE)).isTrue();
    assertThat(refusedWith("team/app", BOB)).as("no grant at all").isEqualTo(502);

    clock.advance(STALE);
    probe.answering(connectionRefused());
    assertThat(access.grantedStale(upstream, "team/app", ALICE)).isFalse();
    assertThat(refusedWith("team/app", ALICE)).as("too old even for an outage").isEqualTo(502);
  }

  @Test
  void refusal_endsAnEarlierGrant_soAnOutageCannotReviveIt() throws Exception {
    check("team/app", ALICE);
    clock.advance(TTL.plusSeconds(1));

    // The password was changed at the upstream: refused now...
    probe.answering(unauthorized());
    assertThat(refusedWith("team/app", ALICE)).isEqualTo(401);
    // ...and when the upstream then goes down, the old yes must not count again.
    probe.answering(connectionRefused());
    assertThat(access.grantedStale(upstream, "team/app", ALICE)).isFalse();
    assertThat(refusedWith("team/app", ALICE)).isEqualTo(502);
  }

  @Test
  void ask_grantsOnSuccessAndPassesTheAnswerOn() throws Exception {
    assertThat(access.ask(upstream, "team/app", ALICE, probe)).isEqualTo("yes");
    assertThat(access.granted(upstream, "team/app", ALICE)).isTrue();
  }
}
