package dev.shoal.agent.peer;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.agent.fetch.FailoverSource;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.UpstreamBlobSource;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.FetchRequest;
import dev.shoal.proto.peer.v1.HaveRequest;
import dev.shoal.proto.peer.v1.HaveResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where a missing blob comes from, peers before the upstream:
 *
 * <ol>
 *   <li>the nearest agent (same zone, then region) that holds it complete, or else the nearest one
 *       furthest along downloading it (at random among equals, so that readers spread over
 *       holders);
 *   <li>when nobody has it, its home peer, asked to download it from the upstream: every agent
 *       picks the same home, so the fleet downloads it once and reads it from there as it arrives;
 *   <li>the upstream itself when this agent is the home, or the peers do not answer.
 * </ol>
 *
 * A peer source always fails over to the upstream: a peer that dies, stalls or sends wrong bytes
 * costs at most the stall bound.
 */
public final class SourcePlanner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SourcePlanner.class);

  private final Peers peers;
  private final Duration askTimeout;
  private final Duration stall;
  private final String zone;
  private final String region;
  private final ExecutorService asks;

  /**
   * @param askTimeout how long peers get to answer what they hold
   * @param stall how long a peer may send nothing before the upstream takes over
   */
  public SourcePlanner(
      Peers peers, Duration askTimeout, Duration stall, String zone, String region) {
    this.zone = requireNonNull(zone, "zone");
    this.region = requireNonNull(region, "region");
    this.peers = requireNonNull(peers, "peers");
    this.askTimeout = requireNonNull(askTimeout, "askTimeout");
    this.stall = requireNonNull(stall, "stall");
    this.asks =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "shoal-peer-ask");
              t.setDaemon(true);
              return t;
            });
  }

  /** The swarm's members as this agent knows them. */
  public Peers peers() {
    return peers;
  }

  /**
   * The source for blob {@code digest} of {@code size} bytes, wanted by a caller with {@code auth}.
   */
  public BlobSource plan(Upstream upstream, String repo, Digest digest, long size, String auth) {
    BlobSource origin = new UpstreamBlobSource(upstream, repo, digest, auth);
    if (peers.isEmpty()) {
      return origin;
    }
    PeerClient holder = bestHolder(digest, size);
    if (holder != null) {
      log.debug("blob from a holder digest={} peer={}", digest, holder.address());
      return new FailoverSource(peerSource(holder, digest, size), origin);
    }
    PeerClient home = peers.home(digest).orElse(null);
    if (home == null) {
      return origin;
    }
    try {
      home.blocking(askTimeout)
          .fetch(
              FetchRequest.newBuilder()
                  .setDigest(digest.toString())
                  .setSize(size)
                  .setUpstream(upstream.name())
                  .setRepository(repo)
                  .setAuthorization(auth == null ? "" : auth)
                  .build());
      log.debug("blob from its home digest={} home={}", digest, home.address());
      return new FailoverSource(peerSource(home, digest, size), origin);
    } catch (StatusRuntimeException e) {
      log.info(
          "home peer cannot fetch digest={} home={} error={}",
          digest,
          home.address(),
          e.getStatus());
      peers.markDown(home);
      return origin;
    }
  }

  private PeerBlobSource peerSource(PeerClient peer, Digest digest, long size) {
    return new PeerBlobSource(peer, digest, size, stall, () -> peers.markBad(peer));
  }

  private PeerClient bestHolder(Digest digest, long size) {
    List<PeerClient> live = peers.live();
    List<CompletableFuture<HaveResponse>> answers = new ArrayList<>();
    HaveRequest ask = HaveRequest.newBuilder().setDigest(digest.toString()).build();
    for (PeerClient p : live) {
      answers.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.blocking(askTimeout).have(ask);
                } catch (StatusRuntimeException e) {
                  peers.markDown(p);
                  return HaveResponse.getDefaultInstance();
                }
              },
              asks));
    }
    // Nearest first: same zone, then same region, then anywhere; complete before downloading.
    int bestRank = Integer.MAX_VALUE;
    long bestAvailable = -1;
    List<PeerClient> best = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      HaveResponse h = answers.get(i).join();
      if (!h.getHeld() || h.getSize() != size || !(h.getComplete() || h.getDownloading())) {
        continue;
      }
      int rank = distance(h) * 2 + (h.getComplete() ? 0 : 1);
      long available = h.getComplete() ? size : h.getAvailable();
      if (rank < bestRank || (rank == bestRank && !h.getComplete() && available > bestAvailable)) {
        bestRank = rank;
        bestAvailable = available;
        best.clear();
        best.add(live.get(i));
      } else if (rank == bestRank && (h.getComplete() || available == bestAvailable)) {
        best.add(live.get(i));
      }
    }
    return best.isEmpty() ? null : best.get(ThreadLocalRandom.current().nextInt(best.size()));
  }

  /** 0: same zone; 1: same region; 2: elsewhere (or unlabelled). */
  private int distance(HaveResponse h) {
    if (!zone.isEmpty() && zone.equals(h.getZone())) {
      return 0;
    }
    if (!region.isEmpty() && region.equals(h.getRegion())) {
      return 1;
    }
    return 2;
  }

  @Override
  public void close() {
    asks.shutdownNow();
    peers.close();
  }
}
