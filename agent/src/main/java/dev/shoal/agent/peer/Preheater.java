package dev.shoal.agent.peer;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.Upstreams;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.HostPlatform;
import dev.shoal.core.oci.ImageIndex;
import dev.shoal.core.oci.Manifests;
import dev.shoal.core.oci.ParsedManifest;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.registry.FetchedManifest;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.store.ContentStore;
import dev.shoal.proto.control.v1.PreheatResponse;
import dev.shoal.proto.control.v1.PreheatedBlob;
import dev.shoal.proto.peer.v1.FetchRequest;
import dev.shoal.proto.peer.v1.HaveRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code shoal preheat}: before a rollout, the first {@code copies} members ranked for each blob of
 * an image (the same members every agent will ask first) download it, so that the rollout finds it
 * in the swarm. The upstream serves each blob once: the second home reads from the first.
 */
public final class Preheater {
  private static final Duration POLL = Duration.ofMillis(200);

  private final Peers peers;
  private final Upstreams upstreams;
  private final ContentStore store;
  private final BlobFetches fetches;
  private final SourcePlanner planner;

  public Preheater(
      SourcePlanner planner, Upstreams upstreams, ContentStore store, BlobFetches fetches) {
    this.planner = requireNonNull(planner, "planner");
    this.peers = planner.peers();
    this.upstreams = requireNonNull(upstreams, "upstreams");
    this.store = requireNonNull(store, "store");
    this.fetches = requireNonNull(fetches, "fetches");
  }

  /**
   * Preheats {@code image} on {@code copies} members per blob and waits, up to {@code timeout},
   * until they hold every blob.
   *
   * @throws IllegalArgumentException for a bad reference or no upstream for its registry
   * @throws IOException what the upstream answered, or that the wait ran out
   */
  public PreheatResponse preheat(String image, int copies, Duration timeout)
      throws IOException, InterruptedException {
    ImageReference ref = ImageReference.parse(image);
    Upstream upstream =
        upstreams
            .resolve(ref.registry())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no upstream for registry " + ref.registry() + " on this agent"));
    String repo = upstream.repository(ref.repository());
    RegistryClient client = upstream.clientFor(null);
    String reference = ref.digest() != null ? ref.digest().toString() : ref.tag();
    FetchedManifest top = client.manifest(repo, reference, List.of());
    Map<Digest, Long> blobs = new LinkedHashMap<>();
    collect(client, repo, top, blobs);

    Map<Digest, List<HostPort>> placed = new LinkedHashMap<>();
    for (Map.Entry<Digest, Long> b : blobs.entrySet()) {
      List<HostPort> homes = homes(b.getKey(), copies);
      placed.put(b.getKey(), homes);
      for (HostPort h : homes) {
        start(h, upstream, repo, b.getKey(), b.getValue());
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    PreheatResponse.Builder out =
        PreheatResponse.newBuilder().setManifestDigest(top.digest().toString());
    for (Map.Entry<Digest, List<HostPort>> p : placed.entrySet()) {
      List<String> holders = new ArrayList<>();
      for (HostPort h : p.getValue()) {
        if (awaitHeld(h, p.getKey(), deadline)) {
          holders.add(h.equals(peers.self()) ? "self" : h.toString());
        }
      }
      out.addBlobs(
          PreheatedBlob.newBuilder()
              .setDigest(p.getKey().toString())
              .setSize(blobs.get(p.getKey()))
              .addAllHolders(holders));
    }
    return out.build();
  }

  /** The config and layers of a manifest; of an index, those of its manifests for this host. */
  private void collect(
      RegistryClient client, String repo, FetchedManifest m, Map<Digest, Long> blobs)
      throws IOException {
    ParsedManifest parsed = Manifests.parse(m.bytes(), m.contentType());
    if (parsed instanceof ImageIndex index) {
      for (Descriptor child : index.manifests()) {
        if (child.platform() == null
            || (child.platform().os().equals("linux")
                && child.platform().architecture().equals(HostPlatform.current().architecture()))) {
          collect(client, repo, client.manifest(repo, child.digest().toString(), List.of()), blobs);
        }
      }
      return;
    }
    for (Descriptor d : parsed.references()) {
      blobs.put(d.digest(), d.size());
    }
  }

  private List<HostPort> homes(Digest digest, int copies) {
    List<HostPort> live = new ArrayList<>();
    peers.live().forEach(c -> live.add(c.address()));
    live.add(peers.self());
    List<HostPort> out = new ArrayList<>();
    for (HostPort h : peers.ranking(digest)) {
      if (live.contains(h) && out.size() < copies) {
        out.add(h);
      }
    }
    return out;
  }

  private void start(HostPort home, Upstream upstream, String repo, Digest digest, long size)
      throws IOException {
    if (home.equals(peers.self())) {
      if (!store.contains(digest) && size > 0) {
        try {
          fetches.join(
              digest,
              size,
              "application/octet-stream",
              () -> planner.planAsReader(upstream, repo, digest, size, null));
        } catch (IllegalStateException completedMeanwhile) {
          // Held already.
        }
      }
      return;
    }
    PeerClient peer = peers.client(home).orElseThrow();
    try {
      peer.blocking(Duration.ofSeconds(10))
          .fetch(
              FetchRequest.newBuilder()
                  .setDigest(digest.toString())
                  .setSize(size)
                  .setUpstream(upstream.name())
                  .setRepository(repo)
                  .build());
    } catch (StatusRuntimeException e) {
      throw new IOException("peer " + home + " cannot preheat " + digest + ": " + e.getStatus(), e);
    }
  }

  private boolean awaitHeld(HostPort home, Digest digest, long deadline)
      throws IOException, InterruptedException {
    while (true) {
      boolean held;
      if (home.equals(peers.self())) {
        held = store.contains(digest);
      } else {
        try {
          held =
              peers
                  .client(home)
                  .orElseThrow()
                  .blocking(Duration.ofSeconds(5))
                  .have(HaveRequest.newBuilder().setDigest(digest.toString()).build())
                  .getComplete();
        } catch (StatusRuntimeException e) {
          held = false;
        }
      }
      if (held) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
