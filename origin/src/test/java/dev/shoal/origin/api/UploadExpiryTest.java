package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.origin.OriginMain;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import dev.shoal.origin.testing.RegistryHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle upload sessions expire: after the sweep their URLs answer {@code BLOB_UPLOAD_UNKNOWN} and
 * their bytes are gone from disk. Time moves by a clock the test turns, never by sleeping.
 */
class UploadExpiryTest {
  private static final String ADMIN_PASSWORD = "admin-password-for-tests";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private OriginMain origin;
  private RegistryHttp http;

  private void start(ApiConfig api) throws Exception {
    if (origin != null) {
      origin.close();
    }
    origin =
        OriginMain.start(
            OriginConfig.defaults(dir)
                .withApi(api)
                .withEvents(new EventsConfig(new HostPort("127.0.0.1", 0))),
            clock,
            Map.of("SHOAL_ADMIN_PASSWORD", ADMIN_PASSWORD),
            System.out);
    http = new RegistryHttp(origin.uri(), RegistryHttp.basic("admin", ADMIN_PASSWORD));
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  /** Starts a chunked upload, sends {@code bytes} as its first chunk, returns its URL. */
  private String startUpload(byte[] bytes) throws Exception {
    HttpResponse<byte[]> start = http.send("POST", "/v2/team/app/blobs/uploads/", null);
    assertThat(start.statusCode()).isEqualTo(202);
    String location = start.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> chunk =
        http.send("PATCH", location, bytes, "Content-Range", "0-" + (bytes.length - 1));
    assertThat(chunk.statusCode()).isEqualTo(202);
    return location;
  }

  private Path fileOf(String location) {
    return dir.resolve("uploads").resolve(location.substring(location.lastIndexOf('/') + 1));
  }

  private static void assertUploadUnknown(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(RegistryHttp.text(r)).contains("\"code\":\"BLOB_UPLOAD_UNKNOWN\"");
  }

  @Test
  void sessionIdleForADay_isSweptWithItsFile_othersStay() throws Exception {
    start(new ApiConfig(new HostPort("127.0.0.1", 0)));
    byte[] old = Blobs.random(1, 10_000);
    String stale = startUpload(old);
    clock.advance(Duration.ofHours(23));
    byte[] recent = Blobs.random(2, 20_000);
    String fresh = startUpload(Arrays.copyOfRange(recent, 0, 5_000));
    Path stray = dir.resolve("uploads").resolve(UUID.randomUUID().toString());
    Files.write(stray, new byte[10]);
    Path notOurs = dir.resolve("uploads").resolve("README");
    Files.writeString(notOurs, "left alone");
    clock.advance(Duration.ofHours(2));
    assertThat(fileOf(stale)).exists();

    assertThat(origin.sweepUploads()).isEqualTo(1);

    assertUploadUnknown(http.get(stale));
    assertUploadUnknown(http.send("PATCH", stale, old, "Content-Range", "0-9999"));
    assertUploadUnknown(http.send("PUT", stale + "?digest=" + Digest.sha256Of(old), null));
    assertThat(fileOf(stale)).doesNotExist();
    assertThat(stray).as("a file no session owns").doesNotExist();
    assertThat(notOurs).exists();
    assertThat(RegistryHttp.text(new RegistryHttp(origin.uri()).get("/metrics")))
        .contains("shoal_origin_upload_sessions_expired_total 1\n")
        .contains("shoal_origin_uploads_in_progress 1\n");

    assertThat(http.get(fresh).headers().firstValue("Range")).contains("0-4999");
    HttpResponse<byte[]> done =
        http.send(
            "PUT",
            fresh + "?digest=" + Digest.sha256Of(recent),
            Arrays.copyOfRange(recent, 5_000, recent.length));
    assertThat(done.statusCode()).as(RegistryHttp.text(done)).isEqualTo(201);
    assertThat(http.get("/v2/team/app/blobs/" + Digest.sha256Of(recent)).body()).isEqualTo(recent);
    assertThat(origin.sweepUploads()).isZero();
  }

  @Test
  void idleTimeCountsFromTheLastChunk_andSessionsExpireAfterARestartToo() throws Exception {
    ApiConfig twoHours =
        new ApiConfig(new HostPort("127.0.0.1", 0)).withUploadTtl(Duration.ofHours(2));
    start(twoHours);
    byte[] bytes = Blobs.random(3, 8_000);
    String location = startUpload(Arrays.copyOfRange(bytes, 0, 4_000));
    clock.advance(Duration.ofMinutes(90));
    HttpResponse<byte[]> second =
        http.send(
            "PATCH",
            location,
            Arrays.copyOfRange(bytes, 4_000, 8_000),
            "Content-Range",
            "4000-7999");
    assertThat(second.statusCode()).isEqualTo(202);
    clock.advance(Duration.ofMinutes(90));

    assertThat(origin.sweepUploads()).as("idle for 90 minutes only").isZero();
    assertThat(http.get(location).statusCode()).isEqualTo(204);

    start(twoHours);
    clock.advance(Duration.ofMinutes(30));
    assertThat(origin.sweepUploads()).isEqualTo(1);
    assertUploadUnknown(http.get(location));
    assertThat(fileOf(location)).doesNotExist();
  }
}
