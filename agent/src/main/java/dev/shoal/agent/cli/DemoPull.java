package dev.shoal.agent.cli;

import dev.shoal.agent.control.ControlClient;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.FetchedManifest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.proto.control.v1.StatusRequest;
import dev.shoal.proto.control.v1.StatusResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The demo's rollout: every agent pulls the image at the same moment, as runtimes on a fleet would
 * (manifest, config, every layer, each checked against its digest), and then a table of where each
 * agent's bytes came from and how long its pull took.
 */
final class DemoPull {
  /** One agent of the demo: its name, mirror and control addresses. */
  record Agent(String name, URI mirror, HostPort control, String peer) {}

  private record Result(Agent agent, long millis, long bytes) {}

  private DemoPull() {}

  /** Pulls {@code repo:tag} through every agent at once and prints the table; returns the bytes. */
  static long pullEverywhere(List<Agent> agents, String repo, String tag, PrintStream out)
      throws IOException, InterruptedException {
    List<CompletableFuture<Result>> pulls = new ArrayList<>();
    for (Agent a : agents) {
      pulls.add(
          CompletableFuture.supplyAsync(
              () -> {
                long start = System.nanoTime();
                try {
                  long bytes = pull(a.mirror(), repo, tag);
                  return new Result(a, (System.nanoTime() - start) / 1_000_000, bytes);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }));
    }
    List<Result> results = new ArrayList<>();
    for (CompletableFuture<Result> p : pulls) {
      try {
        results.add(p.get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        throw new IOException("a pull failed: " + cause.getMessage(), cause);
      }
    }
    long imageBytes = results.get(0).bytes();
    printTable(results, agents, imageBytes, out);
    return imageBytes;
  }

  /** One pull through {@code mirror}: returns the bytes of config and layers, all verified. */
  private static long pull(URI mirror, String repo, String tag) throws IOException {
    RegistryClient client = RegistryClient.builder(mirror).build();
    FetchedManifest m =
        client.manifest(
            repo,
            tag,
            List.of(
                MediaTypes.OCI_MANIFEST, "application/vnd.docker.distribution.manifest.v2+json"));
    ImageManifest manifest = ImageManifest.parse(m.bytes(), m.contentType());
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(manifest.config());
    blobs.addAll(manifest.layers());
    long total = 0;
    for (Descriptor d : blobs) {
      try (InputStream in = client.openVerifiedBlob(repo, d.digest(), d.size())) {
        total += in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return total;
  }

  private static void printTable(
      List<Result> results, List<Agent> agents, long imageBytes, PrintStream out) {
    Map<String, String> peerNames = new TreeMap<>();
    for (Agent a : agents) {
      peerNames.put("peer " + a.peer(), a.name());
    }
    out.printf("%-8s %8s %12s %s%n", "AGENT", "TIME", "FROM ORIGIN", "FROM PEERS / LOCAL");
    long originTotal = 0;
    for (Result r : results) {
      StatusResponse s;
      try (ControlClient control = new ControlClient(r.agent().control())) {
        s = control.call().status(StatusRequest.getDefaultInstance());
      }
      long origin = 0;
      long peers = 0;
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, Long> e : new TreeMap<>(s.getFetchedBytesMap()).entrySet()) {
        if (e.getKey().startsWith("peer ")) {
          peers += e.getValue();
          parts.add(peerNames.getOrDefault(e.getKey(), e.getKey()) + " " + bytes(e.getValue()));
        } else {
          origin += e.getValue();
        }
      }
      long local = Math.max(0, imageBytes - origin - peers);
      if (local > 0) {
        parts.add("local " + bytes(local));
      }
      originTotal += origin;
      out.printf(
          "%-8s %6d ms %12s %s%n",
          r.agent().name(),
          r.millis(),
          bytes(origin),
          parts.isEmpty() ? "-" : String.join(", ", parts));
    }
    out.printf(
        "the origin sent %s for %d pulls of a %s image: %.2f copies%n",
        bytes(originTotal), results.size(), bytes(imageBytes), originTotal / (double) imageBytes);
  }

  static String bytes(long n) {
    if (n < 10 * 1024) {
      return n + " B";
    }
    if (n < 10L * 1024 * 1024) {
      return (n / 1024) + " KiB";
    }
    return String.format("%.1f MiB", n / (1024.0 * 1024));
  }
}
