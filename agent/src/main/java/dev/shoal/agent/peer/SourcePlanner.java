package dev.shoal.agent.peer;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.UpstreamBlobSource;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.FetchRequest;
import dev.shoal.proto.peer.v1.HaveRequest;
import dev.shoal.proto.peer.v1.HaveResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where a missing blob comes from, peers before the upstream:
 *
 * <ol>
 *   <li>the agents that hold it or are downloading it: its pieces come from all of them at once
 *       ({@link SwarmDownload});
 *   <li>when nobody has it, its home peer, asked to download it from the upstream: every agent
 *       picks the same home, so the fleet downloads it once, and the others take its pieces from
 *       the home and from each other as they arrive;
 *   <li>the upstream itself when this agent is the home, or the peers do not answer.
 * </ol>
 *
 * A swarm download falls back to the upstream for what is missing: peers that die, stall or send
 * wrong pieces cost at most the stall bound.
 */
public final class SourcePlanner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SourcePlanner.class);

  private final Peers peers;
  private final Duration askTimeout;
  private final Duration stall;
  private final String zone;
  private final String region;
  private final ExecutorService asks;
  private final HolderRegistry registry; // this agent's, as a home peer; null without a peer port

  /**
   * @param askTimeout how long peers get to answer what they hold
   * @param stall how long a peer may send nothing before the upstream takes over
   */
  public SourcePlanner(
      Peers peers,
      Duration askTimeout,
      Duration stall,
      String zone,
      String region,
      HolderRegistry registry) {
    this.registry = registry;
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
    List<SwarmDownload.HaveAnswer> holders = holders(digest, size);
    PeerClient home = peers.home(digest).orElse(null);
    if (!holders.isEmpty()) {
      log.debug("blob from peers digest={} holders={}", digest, holders.size());
      return swarm(digest, size, holders, home, false, origin);
    }
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
      return swarm(digest, size, List.of(), home, true, origin);
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

  /**
   * The blob's size as the peers holding it tell, for when the upstream cannot be asked: empty when
   * no live peer holds it.
   */
  public OptionalLong sizeFromPeers(Digest digest) {
    if (peers.isEmpty()) {
      return OptionalLong.empty();
    }
    for (SwarmDownload.HaveAnswer a : holders(digest, -1)) {
      if (a.have().getSize() > 0) {
        return OptionalLong.of(a.have().getSize());
      }
    }
    return OptionalLong.empty();
  }

  private SwarmDownload swarm(
      Digest digest,
      long size,
      List<SwarmDownload.HaveAnswer> holders,
      PeerClient home,
      boolean homeFetching,
      BlobSource origin) {
    return new SwarmDownload(
        peers,
        digest,
        size,
        holders,
        home,
        homeFetching,
        home == null ? registry : null,
        origin,
        stall,
        zone,
        region);
  }

  /**
   * The live peers that hold the blob or are downloading it, as they answered; with {@code size}
   * -1, whatever size they tell.
   */
  private List<SwarmDownload.HaveAnswer> holders(Digest digest, long size) {
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
                  // A peer that refuses connections, or is connected and does not answer, is down;
                  // one still being dialled (a busy host's first handshake) is not, and may still
                  // be the blob's home.
                  Status.Code code = e.getStatus().getCode();
                  if (code == Status.Code.UNAVAILABLE
                      || (code == Status.Code.DEADLINE_EXCEEDED && p.connected())) {
                    peers.markDown(p);
                  }
                  log.info("peer did not answer peer={} error={}", p.address(), e.getStatus());
                  return HaveResponse.getDefaultInstance();
                }
              },
              asks));
    }
    List<SwarmDownload.HaveAnswer> out = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      HaveResponse h = answers.get(i).join();
      boolean sized = size < 0 || h.getSize() == size;
      // A peer downloading the blob is a source once it has pieces or fetches it from the
      // upstream itself; one still waiting for its first piece (perhaps from this agent) is not.
      boolean useful =
          h.getComplete() || (h.getDownloading() && (h.getFetching() || !h.getPieces().isEmpty()));
      if (h.getHeld() && sized && useful) {
        out.add(new SwarmDownload.HaveAnswer(live.get(i), h));
      }
    }
    return out;
  }

  @Override
  public void close() {
    asks.shutdownNow();
    peers.close();
  }
}
