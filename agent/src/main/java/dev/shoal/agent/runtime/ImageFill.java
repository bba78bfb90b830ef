package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pulls an image into the store without running it ({@code shoal pull}): resolves it as a run does
 * ({@link ImagePuller}), then reads its config and every layer through the agent's own mirror at
 * once, as a runtime would, so that peers, verification and provenance apply. References nothing:
 * the blobs are in the store, evictable like any other.
 */
public final class ImageFill {
  /** The source of bytes that were in the store before the pull. */
  public static final String LOCAL = "local";

  private final ImagePuller puller;
  private final BlobFetches fetches;

  ImageFill(ImagePuller puller, BlobFetches fetches) {
    this.puller = requireNonNull(puller, "puller");
    this.fetches = requireNonNull(fetches, "fetches");
  }

  /**
   * Resolves {@code image} for this host (blocking), then starts reading each of its blobs on a
   * thread of {@code threads}.
   *
   * @throws ContainerException INVALID for a bad reference or an image for another platform,
   *     NOT_FOUND for an image the upstream does not have, FAILED for other upstream errors
   */
  public Fill start(String image, ExecutorService threads) throws IOException {
    requireNonNull(image, "image");
    requireNonNull(threads, "threads");
    Map<Digest, BlobFetch> seen = new ConcurrentHashMap<>();
    // Before resolving: the config is fetched while resolving, and a small blob's fetch may end
    // before anyone could look it up as running.
    Runnable unsubscribe = fetches.onStart(f -> seen.put(f.digest(), f));
    try {
      ImagePuller.Resolved r = puller.resolve(image, digest -> {});
      Fill fill = new Fill(r, seen);
      fill.begin(threads);
      fill.result.whenComplete((ok, error) -> unsubscribe.run());
      return fill;
    } catch (IOException | RuntimeException e) {
      unsubscribe.run();
      throw e;
    }
  }

  /** One pull in progress. */
  public final class Fill {
    private final ImagePuller.Resolved resolved;
    private final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    private final Map<Digest, BlobFetch> seen;
    private final Set<Digest> done = ConcurrentHashMap.newKeySet();
    private final List<Future<?>> tasks = new ArrayList<>();
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    private Fill(ImagePuller.Resolved resolved, Map<Digest, BlobFetch> seen) {
      this.resolved = resolved;
      this.seen = seen;
      blobs.put(resolved.manifest().config().digest(), resolved.manifest().config());
      for (Descriptor d : resolved.manifest().layers()) {
        blobs.putIfAbsent(d.digest(), d);
      }
    }

    private void begin(ExecutorService threads) {
      AtomicInteger left = new AtomicInteger(blobs.size());
      for (Descriptor d : blobs.values()) {
        // One already running (another client's pull) counts as this pull's source too.
        fetches.running(d.digest()).ifPresent(f -> seen.putIfAbsent(d.digest(), f));
      }
      synchronized (tasks) {
        for (Descriptor d : blobs.values()) {
          tasks.add(threads.submit(() -> read(d, left)));
        }
      }
    }

    private void read(Descriptor d, AtomicInteger left) {
      try {
        puller.drain(resolved.target(), d);
        puller.awaitStored(d.digest());
        done.add(d.digest());
        if (left.decrementAndGet() == 0) {
          result.complete(null);
        }
      } catch (IOException | RuntimeException e) {
        if (result.completeExceptionally(e)) {
          cancel();
        }
      }
    }

    /** The manifest for this host (the index's child, for an index). */
    public Digest manifestDigest() {
      return resolved.manifestDigest();
    }

    /** Completes once every blob is in the store, or with why one could not be pulled. */
    public CompletableFuture<Void> result() {
      return result;
    }

    /** Stops reading; the agent's own downloads go on (they belong to no reader). */
    public void cancel() {
      synchronized (tasks) {
        tasks.forEach(t -> t.cancel(true));
      }
      result.cancel(false);
    }

    /** Each blob's progress now, config first, then the layers bottom first. */
    public List<BlobProgress> progress() {
      List<BlobProgress> out = new ArrayList<>();
      for (Descriptor d : blobs.values()) {
        out.add(progress(d));
      }
      return out;
    }

    private BlobProgress progress(Descriptor d) {
      boolean complete = done.contains(d.digest());
      BlobFetch fetch = seen.get(d.digest());
      if (fetch == null) {
        // Not fetched by this pull: it was in the store, or is still to be asked for.
        return new BlobProgress(
            d, complete ? d.size() : 0, complete ? Map.of(LOCAL, d.size()) : Map.of(), complete);
      }
      Map<String, Long> from = new TreeMap<>(fetch.bytesBySource());
      if (fetch.resumedBytes() > 0) {
        from.merge(LOCAL, fetch.resumedBytes(), Long::sum);
      }
      long bytes = complete ? d.size() : Math.min(d.size(), fetch.writtenBytes());
      return new BlobProgress(d, bytes, from, complete);
    }
  }
}
