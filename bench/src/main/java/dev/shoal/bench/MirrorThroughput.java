package dev.shoal.bench;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.registry.RegistryClientTuning;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's mirror against the registry behind it, in the same run: a cold pull of one large blob
 * through the agent (the agent has never seen it) against a direct pull of another, equally fresh
 * blob from the registry; then warm blob GET throughput with several clients, the agent serving
 * from its store against the registry serving the same blob. Run by bench/run-mirror.sh.
 *
 * <p>Arguments: {@code REGISTRY_URL AGENT_URL SIZE_MIB ROUNDS THREADS SECONDS}.
 */
public final class MirrorThroughput {
  private MirrorThroughput() {}

  public static void main(String[] args) throws Exception {
    // The same client settings as the agent's own, so both sides of the ratio read alike.
    RegistryClientTuning.apply();
    URI registry = URI.create(args[0]);
    URI agent = URI.create(args[1]);
    long size = Long.parseLong(args[2]) << 20;
    int rounds = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);

    RegistryClient push = RegistryClient.builder(registry).build();
    RegistryClient direct = RegistryClient.builder(registry).build();
    RegistryClient through = RegistryClient.builder(agent).build();
    List<Double> coldDirect = new ArrayList<>();
    List<Double> coldAgent = new ArrayList<>();
    List<Double> warmDirect = new ArrayList<>();
    List<Double> warmAgent = new ArrayList<>();
    Path file = Files.createTempFile("shoal-mirror-bench-", ".bin");
    try {
      for (int round = 1; round <= rounds; round++) {
        String repo = "bench/mirror" + round;
        // Two fresh blobs per round, so neither side reads bytes the other already pulled.
        Digest a = BenchFiles.writeRandomBlob(file, size, round * 2L);
        try (InputStream in = Files.newInputStream(file)) {
          push.pushBlob(repo, a, size, in);
        }
        Digest b = BenchFiles.writeRandomBlob(file, size, round * 2L + 1);
        try (InputStream in = Files.newInputStream(file)) {
          push.pushBlob(repo, b, size, in);
        }
        boolean agentFirst = round % 2 == 0;
        for (int i = 0; i < 2; i++) {
          if ((i == 0) == agentFirst) {
            coldAgent.add(pull(through, repo, b, size));
          } else {
            coldDirect.add(pull(direct, repo, a, size));
          }
        }
        // Warm: the agent now holds b; both serve b.
        for (int i = 0; i < 2; i++) {
          if ((i == 0) == agentFirst) {
            warmAgent.add(hammer(agent, repo, b, threads, seconds));
          } else {
            warmDirect.add(hammer(registry, repo, b, threads, seconds));
          }
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    System.out.printf(
        "%-36s %14s %14s %12s%n", "median of " + rounds + " rounds", "registry", "agent", "ratio");
    double cd = Throughput.median(coldDirect);
    double ca = Throughput.median(coldAgent);
    System.out.printf(
        "%-36s %14.2f %14.2f %12.3f  (agent/registry time; aim <= 1.05)%n",
        "cold pull " + (size >> 20) + " MiB (s)", cd, ca, ca / cd);
    double wd = Throughput.median(warmDirect);
    double wa = Throughput.median(warmAgent);
    System.out.printf(
        "%-36s %14.1f %14.1f %12.2f  (agent/registry MiB/s; aim >= 1.5)%n",
        "warm blob GET, " + threads + " clients (MiB/s)", wd, wa, wa / wd);
  }

  /** Seconds to pull and verify one blob. */
  private static double pull(RegistryClient c, String repo, Digest d, long size) throws Exception {
    long t0 = System.nanoTime();
    try (InputStream in = c.openVerifiedBlob(repo, d, size)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** MiB/s of {@code threads} clients GETting the blob over and over for {@code seconds}. */
  private static double hammer(URI base, String repo, Digest d, int threads, int seconds)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest get =
        HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/" + d))
            .timeout(Duration.ofSeconds(60))
            .build();
    LongAdder bytes = new LongAdder();
    ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[1 << 16]);
    long nanos =
        Throughput.repeat(
            threads,
            seconds,
            () -> {
              HttpResponse<InputStream> r =
                  http.send(get, HttpResponse.BodyHandlers.ofInputStream());
              if (r.statusCode() != 200) {
                throw new IllegalStateException("blob GET answered " + r.statusCode());
              }
              byte[] buf = buffers.get();
              try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  bytes.add(n);
                }
              }
            });
    return bytes.sum() / 1048576.0 / (nanos / 1e9);
  }
}
