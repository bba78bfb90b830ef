package dev.shoal.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.reference.InvalidReferenceException;
import dev.shoal.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RegistryClient} against {@link FakeRegistry}, for what the real registry cannot do here:
 * token service, 503s, redirects to another host, wrong digests, 416 on a chunk.
 */
class RegistryClientFakeTest {
  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
          .getBytes(StandardCharsets.UTF_8);
  private static final Digest MANIFEST_DIGEST = Digest.sha256Of(MANIFEST);

  private final FakeRegistry fake = newFake();
  private final FakeRegistry storage = newFake();
  private final MutableClock clock = MutableClock.atEpochPlusDays(1);
  private final List<Duration> slept = new ArrayList<>();

  private static FakeRegistry newFake() {
    try {
      return new FakeRegistry();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() {
    fake.close();
    storage.close();
  }

  private RegistryClient client(Credentials credentials) {
    return RegistryClient.builder(fake.uri())
        .credentials(credentials)
        .clock(clock)
        .sleeper(slept::add)
        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5)))
        .build();
  }

  private String host() {
    return "127.0.0.1:" + fake.uri().getPort();
  }

  private static void manifestAnswer(com.sun.net.httpserver.HttpExchange x, String digestHeader)
      throws java.io.IOException {
    FakeRegistry.send(
        x,
        200,
        Map.of("Content-Type", MediaTypes.OCI_MANIFEST, "Docker-Content-Digest", digestHeader),
        MANIFEST);
  }

  @Test
  void bearer_challengeTokenRetry_tokenCachedUntilNearExpiry() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    String realm = fake.uri() + "/token";
    fake.on(
            "/token",
            (x, b) -> {
              int n = issued.incrementAndGet();
              FakeRegistry.send(
                  x, 200, Map.of(), "{\"access_token\":\"tok" + n + "\",\"expires_in\":300}");
            })
        .on(
            "/v2/",
            (x, b) -> {
              String auth = x.getRequestHeaders().getFirst("Authorization");
              if (auth == null || !auth.equals("Bearer tok" + issued.get())) {
                FakeRegistry.send(
                    x,
                    401,
                    Map.of(
                        "WWW-Authenticate",
                        "Bearer realm=\""
                            + realm
                            + "\",service=\"fake, registry\",scope=\"repository:app:pull\""),
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}");
                return;
              }
              manifestAnswer(x, MANIFEST_DIGEST.toString());
            });
    RegistryClient client = client(Credentials.of(host(), "bob", "pw"));

    assertThat(client.manifest("app", "1.0", List.of()).bytes()).isEqualTo(MANIFEST);
    assertThat(client.manifest("app", "1.0", List.of()).bytes()).isEqualTo(MANIFEST);
    assertThat(issued).hasValue(1);
    FakeRegistry.Seen tokenRequest = fake.seen("/token").get(0);
    // Form-encoded, as token services (Go's url.ParseQuery) decode it.
    assertThat(tokenRequest.uri().getRawQuery())
        .isEqualTo("service=fake%2C+registry&scope=repository%3Aapp%3Apull");
    assertThat(tokenRequest.header("Authorization"))
        .isEqualTo(new UsernamePassword("bob", "pw").basicHeader());
    assertThat(fake.seen("/v2/")).hasSize(3); // one 401, then two with the token

    clock.advance(Duration.ofSeconds(295)); // inside the margin before expiry
    client.manifest("app", "1.0", List.of());
    assertThat(issued).hasValue(2);
  }

  @Test
  void serverErrors_areRetriedWithBackoff_honouringRetryAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    fake.on(
        "/v2/",
        (x, b) -> {
          int n = calls.incrementAndGet();
          if (n == 1) {
            FakeRegistry.send(x, 503, Map.of("Retry-After", "2"), "");
          } else if (n == 2) {
            FakeRegistry.send(x, 503, Map.of(), "");
          } else {
            manifestAnswer(x, MANIFEST_DIGEST.toString());
          }
        });
    assertThat(client(Credentials.none()).manifest("app", "1.0", List.of()).bytes())
        .isEqualTo(MANIFEST);
    assertThat(calls).hasValue(3);
    assertThat(slept).hasSize(2);
    assertThat(slept.get(0)).isEqualTo(Duration.ofSeconds(2));
    // Second failure: 400 ms doubled from 200 ms, with jitter in [0.5, 1).
    assertThat(slept.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void serverErrors_giveUpAfterMaxAttempts() {
    fake.on("/v2/", (x, b) -> FakeRegistry.send(x, 503, Map.of(), ""));
    assertThatThrownBy(() -> client(Credentials.none()).manifest("app", "1.0", List.of()))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(fake.seen()).hasSize(3);
  }

  @Test
  void streamBody_isNotRetriedAfterItWasSent() {
    fake.on(
        "/v2/",
        (x, b) -> {
          if (x.getRequestMethod().equals("POST")) {
            FakeRegistry.send(x, 202, Map.of("Location", "/v2/app/blobs/uploads/u1"), "");
          } else {
            FakeRegistry.send(x, 503, Map.of(), "");
          }
        });
    byte[] blob = "once".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                client(Credentials.none())
                    .pushBlob(
                        "app", Digest.sha256Of(blob), blob.length, new ByteArrayInputStream(blob)))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(fake.seen().stream().filter(s -> s.method().equals("PUT"))).hasSize(1);
  }

  @Test
  void blobRedirect_toAnotherHost_doesNotForwardAuthorization() throws Exception {
    byte[] blob = "layer bytes from object storage".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256Of(blob);
    storage.on("/bucket/", (x, b) -> FakeRegistry.send(x, 200, Map.of(), blob));
    fake.on(
        "/v2/",
        (x, b) -> {
          if (x.getRequestHeaders().getFirst("Authorization") == null) {
            FakeRegistry.send(x, 401, Map.of("WWW-Authenticate", "Basic realm=\"fake\""), "");
          } else {
            FakeRegistry.send(
                x, 307, Map.of("Location", storage.uri() + "/bucket/" + d.hex() + "?sig=x"), "");
          }
        });
    RegistryClient client = client(Credentials.of(host(), "bob", "pw"));
    try (InputStream in = client.openVerifiedBlob("app", d, blob.length)) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
    assertThat(fake.seen().get(1).header("Authorization"))
        .isEqualTo(new UsernamePassword("bob", "pw").basicHeader());
    assertThat(storage.seen()).hasSize(1);
    assertThat(storage.seen().get(0).header("Authorization")).isNull();
  }

  @Test
  void wrongDockerContentDigest_isRefused() {
    Digest other = Digest.sha256Of(new byte[] {42});
    fake.on("/v2/", (x, b) -> manifestAnswer(x, other.toString()));
    assertThatThrownBy(() -> client(Credentials.none()).manifest("app", "1.0", List.of()))
        .isInstanceOfSatisfying(
            DigestMismatchException.class,
            e -> {
              assertThat(e.expected()).isEqualTo(other);
              assertThat(e.actual()).isEqualTo(MANIFEST_DIGEST);
            });
  }

  @Test
  void manifestByDigest_withOtherBytes_isRefused() {
    Digest asked = Digest.sha256Of(new byte[] {7});
    fake.on(
        "/v2/",
        (x, b) ->
            FakeRegistry.send(x, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), MANIFEST));
    assertThatThrownBy(
            () -> client(Credentials.none()).manifest("app", asked.toString(), List.of()))
        .isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void verifiedBlob_withWrongBytes_failsTheLastRead() throws Exception {
    byte[] blob = "expected".getBytes(StandardCharsets.UTF_8);
    fake.on("/v2/", (x, b) -> FakeRegistry.send(x, 200, Map.of(), "tampered"));
    try (InputStream in =
        client(Credentials.none()).openVerifiedBlob("app", Digest.sha256Of(blob), blob.length)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(DigestMismatchException.class);
    }
  }

  @Test
  void blobRange_fromARegistryThatIgnoresRanges_isRefusedAsUnsupported() {
    // A FAKE: the CNCF registry answers ranges; this one sends the whole blob.
    byte[] blob = "0123456789".getBytes(StandardCharsets.UTF_8);
    fake.on("/v2/", (x, b) -> FakeRegistry.send(x, 200, Map.of(), blob));
    assertThatThrownBy(
            () -> client(Credentials.none()).openBlobRange("app", Digest.sha256Of(blob), 2, 5))
        .isInstanceOf(RangesUnsupportedException.class)
        .hasMessageContaining("bytes 2-4");
    assertThat(fake.seen()).extracting(s -> s.header("Range")).containsExactly("bytes=2-4");
  }

  @Test
  void chunkedUpload_resumesAfter416FromTheUploadStatus() throws Exception {
    byte[] blob = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    AtomicInteger patches = new AtomicInteger();
    fake.on(
        "/v2/",
        (x, body) -> {
          String m = x.getRequestMethod();
          Map<String, String> loc = Map.of("Location", "/v2/app/blobs/uploads/u1");
          if (m.equals("POST")) {
            FakeRegistry.send(x, 202, loc, "");
          } else if (m.equals("PATCH") && patches.incrementAndGet() == 2) {
            // Takes 3 bytes of the second chunk, then fails it.
            received.write(body, 0, 3);
            FakeRegistry.send(x, 416, Map.of(), "");
          } else if (m.equals("PATCH")) {
            received.write(body);
            FakeRegistry.send(x, 202, loc, "");
          } else if (m.equals("GET")) {
            FakeRegistry.send(
                x,
                204,
                Map.of("Range", "0-" + (received.size() - 1), "Location", loc.get("Location")),
                "");
          } else {
            FakeRegistry.send(x, 201, Map.of(), "");
          }
        });
    client(Credentials.none())
        .pushBlobChunked("app", Digest.sha256Of(blob), new ByteArrayInputStream(blob), 6);
    assertThat(received.toByteArray()).isEqualTo(blob);
    assertThat(
            fake.seen().stream()
                .filter(s -> s.method().equals("PATCH"))
                .map(s -> s.header("Content-Range")))
        .containsExactly("0-5", "6-11", "9-11", "12-15");
  }

  @Test
  void badNames_areRefusedBeforeAnyRequest_quotingThem() {
    RegistryClient client = client(Credentials.none());
    assertThatThrownBy(() -> client.manifest("Bad/Repo", "1.0", List.of()))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("\"Bad/Repo\"");
    assertThatThrownBy(() -> client.manifest("app", "bad tag", List.of()))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("\"bad tag\"");
    assertThatThrownBy(() -> client.manifest("app", "sha256:xyz", List.of()))
        .isInstanceOf(dev.shoal.core.digest.InvalidDigestException.class)
        .hasMessageContaining("\"sha256:xyz\"");
    assertThat(fake.seen()).isEmpty();
  }
}
