package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.testing.Blobs;
import dev.shoal.origin.testing.RegistryHttp;
import dev.shoal.origin.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} of a real origin: pushes and pulls over HTTP move its counters. */
class OriginMetricsTest {
  private static final String GET_2XX =
      "shoal_origin_http_requests_total{method=\"GET\",status=\"2xx\"}";

  @TempDir Path dir;
  private TestOrigin origin;
  private RegistryHttp http;
  private RegistryHttp anonymous;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(dir, Clock.systemUTC());
    http = origin.as("admin");
    anonymous = origin.anonymous();
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  /** The samples of a scrape, by series ({@code name} or {@code name{labels}}). */
  private Map<String, Long> scrape() throws Exception {
    HttpResponse<byte[]> r = anonymous.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Long> samples = new HashMap<>();
    for (String line : RegistryHttp.text(r).split("\n")) {
      if (!line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
      }
    }
    return samples;
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String series) {
    return after.getOrDefault(series, 0L) - before.getOrDefault(series, 0L);
  }

  private Digest push(String repo, byte[] bytes) throws Exception {
    Digest d = Digest.sha256Of(bytes);
    HttpResponse<byte[]> r =
        http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, bytes);
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(201);
    return d;
  }

  @Test
  void metrics_needNoCredentials_andSpeakThePrometheusTextFormat() throws Exception {
    HttpResponse<byte[]> r = anonymous.get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    String text = RegistryHttp.text(r);
    for (String name :
        List.of(
            "shoal_origin_blob_upload_bytes_total",
            "shoal_origin_store_bytes",
            "shoal_origin_uploads_in_progress",
            "shoal_origin_events_published_total")) {
      assertThat(text).contains("# HELP " + name + " ").contains("# TYPE " + name + " ");
    }
    assertThat(text).contains("# TYPE shoal_origin_store_bytes gauge\n");
    assertThat(text).contains("# TYPE shoal_origin_manifests_pushed_total counter\n");
  }

  @Test
  void pushesAndPulls_moveTheCounters() throws Exception {
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = Blobs.random(1, 70_000);
    Map<String, Long> before = scrape();

    push("team/app", config);
    Digest layerDigest = push("team/app", layer);
    HttpResponse<byte[]> start = http.send("POST", "/v2/team/app/blobs/uploads/", null);
    String location = start.headers().firstValue("Location").orElseThrow();
    http.send("PATCH", location, new byte[1000], "Content-Range", "0-999");
    Map<String, Long> uploading = scrape();
    http.send("DELETE", location, null);
    byte[] manifest =
        ImageManifest.of(
                Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer)))
            .raw();
    HttpResponse<byte[]> put =
        http.send(
            "PUT", "/v2/team/app/manifests/v1", manifest, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/team/app/blobs/" + layerDigest).body()).isEqualTo(layer);
    assertThat(http.head("/v2/team/app/blobs/" + layerDigest).statusCode()).isEqualTo(200);
    assertThat(http.get("/v2/team/app/blobs/" + layerDigest, "Range", "bytes=0-99").body())
        .hasSize(100);
    HttpResponse<byte[]> mount =
        http.send(
            "POST", "/v2/team/copy/blobs/uploads/?mount=" + layerDigest + "&from=team/app", null);
    assertThat(mount.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/team/app/manifests/missing").statusCode()).isEqualTo(404);
    Map<String, Long> after = scrape();

    assertThat(delta(before, after, "shoal_origin_blob_upload_bytes_total"))
        .isEqualTo(config.length + layer.length + 1000);
    assertThat(delta(before, after, "shoal_origin_blob_served_bytes_total"))
        .as("one whole GET and one of 100 bytes; HEAD sends none")
        .isEqualTo(layer.length + 100);
    assertThat(delta(before, after, "shoal_origin_blob_mounts_total")).isEqualTo(1);
    assertThat(delta(before, after, "shoal_origin_manifests_pushed_total")).isEqualTo(1);
    assertThat(delta(before, after, "shoal_origin_events_published_total")).isEqualTo(1);
    assertThat(delta(before, uploading, "shoal_origin_uploads_in_progress")).isEqualTo(1);
    assertThat(delta(before, after, "shoal_origin_uploads_in_progress")).isZero();
    assertThat(delta(before, after, "shoal_origin_store_blobs")).isEqualTo(3);
    assertThat(delta(before, after, "shoal_origin_store_bytes"))
        .isEqualTo(config.length + layer.length + manifest.length);
    // The scrapes count too, each in the next one: GETs of two blobs, one range, one manifest
    // miss (4xx), and the scrapes "before" and "uploading".
    assertThat(delta(before, after, GET_2XX)).isEqualTo(2 + 2);
    assertThat(
            delta(before, after, "shoal_origin_http_requests_total{method=\"GET\",status=\"4xx\"}"))
        .isEqualTo(1);
    assertThat(
            delta(
                before, after, "shoal_origin_http_requests_total{method=\"POST\",status=\"2xx\"}"))
        .as("two monolithic pushes, one upload start, one mount")
        .isEqualTo(4);
    assertThat(
            delta(
                before, after, "shoal_origin_http_requests_total{method=\"HEAD\",status=\"2xx\"}"))
        .isEqualTo(1);
    assertThat(
            delta(before, after, "shoal_origin_http_requests_total{method=\"PUT\",status=\"2xx\"}"))
        .isEqualTo(1);
  }
}
