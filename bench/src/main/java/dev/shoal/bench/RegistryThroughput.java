package dev.shoal.bench;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Push and pull throughput of one large blob, and manifest GETs per second under concurrency,
 * against two registries in the same run, alternating rounds so drift hits both alike. Run by
 * bench/run-registry.sh, which starts the CNCF registry and a Shoal origin on loopback.
 *
 * <p>Arguments: {@code BASE_URL_A NAME_A BASE_URL_B NAME_B SIZE_MIB ROUNDS THREADS SECONDS}.
 */
public final class RegistryThroughput {
  private RegistryThroughput() {}

  public static void main(String[] args) throws Exception {
    List<Target> targets =
        List.of(new Target(args[1], URI.create(args[0])), new Target(args[3], URI.create(args[2])));
    long size = Long.parseLong(args[4]) << 20;
    int rounds = Integer.parseInt(args[5]);
    int threads = Integer.parseInt(args[6]);
    int seconds = Integer.parseInt(args[7]);

    Path blob = Files.createTempFile("shoal-bench-blob-", ".bin");
    try {
      Digest digest = BenchFiles.writeRandomBlob(blob, size, 42);
      for (int round = 1; round <= rounds; round++) {
        for (Target t : targets) {
          String repo = "bench/r" + round;
          RegistryClient c = RegistryClient.builder(t.base).build();
          long t0 = System.nanoTime();
          try (InputStream in = Files.newInputStream(blob)) {
            c.pushBlob(repo, digest, size, in);
          }
          t.push.add(mibPerSecond(size, System.nanoTime() - t0));
          long t1 = System.nanoTime();
          try (InputStream in = c.openVerifiedBlob(repo, digest, size)) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          t.pull.add(mibPerSecond(size, System.nanoTime() - t1));
          t.gets.add(manifestGets(c, t.base, repo, threads, seconds));
        }
      }
    } finally {
      Files.deleteIfExists(blob);
    }
    Target a = targets.get(0);
    Target b = targets.get(1);
    System.out.printf(
        "%-28s %14s %14s %10s%n",
        "median of " + rounds + " rounds", a.name, b.name, b.name + "/" + a.name);
    row(
        "push " + (size >> 20) + " MiB (MiB/s)",
        Throughput.median(a.push),
        Throughput.median(b.push));
    row(
        "pull " + (size >> 20) + " MiB (MiB/s)",
        Throughput.median(a.pull),
        Throughput.median(b.pull));
    row(
        "manifest GET/s, " + threads + " threads",
        Throughput.median(a.gets),
        Throughput.median(b.gets));
  }

  private static void row(String what, double a, double b) {
    System.out.printf("%-28s %14.1f %14.1f %10.2f%n", what, a, b, b / a);
  }

  private static double manifestGets(
      RegistryClient c, URI base, String repo, int threads, int seconds) throws Exception {
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Descriptor cd = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    c.pushBlob(repo, cd.digest(), config);
    c.putManifest(repo, "v1", ImageManifest.of(cd, List.of()).raw(), MediaTypes.OCI_MANIFEST);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest get =
        HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/v1"))
            .header("Accept", MediaTypes.OCI_MANIFEST)
            .timeout(Duration.ofSeconds(10))
            .build();
    LongAdder ok = new LongAdder();
    Throughput.repeat(
        threads,
        seconds,
        () -> {
          HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("manifest GET answered " + r.statusCode());
          }
          ok.increment();
        });
    return ok.sum() / (double) seconds;
  }

  private static double mibPerSecond(long bytes, long nanos) {
    return (bytes / 1048576.0) / (nanos / 1e9);
  }

  private static final class Target {
    final String name;
    final URI base;
    final List<Double> push = new ArrayList<>();
    final List<Double> pull = new ArrayList<>();
    final List<Double> gets = new ArrayList<>();

    Target(String name, URI base) {
      this.name = name;
      this.base = base;
    }
  }
}
