package dev.shoal.agent.peer;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.agent.upstream.Upstream;
import dev.shoal.agent.upstream.UpstreamBlobSource;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.FetchRequest;
import dev.shoal.proto.peer.v1.HaveRequest;
import dev.shoal.proto.peer.v1.HaveResponse;
import dev.shoal.proto.peer.v1.Holder;
import dev.shoal.proto.peer.v1.HoldersRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
 *   <li>the agents that hold it or are downloading it: its pieces come from all of them at once
 *       ({@link SwarmDownload});
 *   <li>when nobody has it, its home peer, asked to download it from the upstream: every agent
 *       picks the same home, so the fleet downloads it once, and the others take its pieces from
 *       the home and from each other as they arrive; when the home does not answer, or is reading
 *       another blob from the upstream, the next in rank takes its place, the same one for every
 *       agent;
 *   <li>the upstream itself when this agent is that reader, or the peers do not answer.
 * </ol>
 *
 * A swarm download falls back to the upstream for what is missing: peers that die, stall or send
 * wrong pieces cost at most the stall bound.
 */
public final class SourcePlanner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SourcePlanner.class);

  /** How many members are asked what they hold of a blob, at most (see {@link #whomToAsk}). */
  static final int ASK_AT_MOST = 32;

  /** How many of a blob's homes are asked to fetch it, in rank order, before the upstream. */
  static final int HOMES_TRIED = 3;

  /**
   * Members asked in turn to read a blob from the upstream: enough for each of an image's few large
   * layers to find a member not reading another one (see {@link UpstreamShare}).
   */
  static final int READERS_TRIED = 4;

  private final Peers peers;
  private final Duration askTimeout;
  private final Duration stall;
  private final String zone;
  private final String region;
  private final ExecutorService asks;
  private final HolderRegistry registry; // this agent's, as a home peer; null without a peer port
  private volatile int askAtMost = ASK_AT_MOST;

  /**
   * @param askTimeout how long peers get to answer what they hold
   * @param stall how long a peer may send nothing before the upstream takes over
   */
  private final UpstreamShare share; // null: this agent is no member, and no blob's home

  /**
   * @param registry this agent's holder registry, as a home; null without a peer port
   * @param share which blobs this agent leaves to their next home; null without a peer port
   */
  public SourcePlanner(
      Peers peers,
      Duration askTimeout,
      Duration stall,
      String zone,
      String region,
      HolderRegistry registry,
      UpstreamShare share) {
    this.registry = registry;
    this.share = share;
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
    return plan(upstream, repo, digest, size, auth, false);
  }

  /**
   * As {@link #plan(Upstream, String, Digest, long, String)}, for an agent that is to hold the blob
   * itself (asked by another to fetch it, or preheating): when nobody holds it, only the members
   * ranked above this agent are asked to read it from the upstream, and none below.
   */
  public BlobSource planAsReader(
      Upstream upstream, String repo, Digest digest, long size, String auth) {
    return plan(upstream, repo, digest, size, auth, true);
  }

  private BlobSource plan(
      Upstream upstream, String repo, Digest digest, long size, String auth, boolean asReader) {
    BlobSource origin = new UpstreamBlobSource(upstream, repo, digest, auth);
    if (peers.isEmpty()) {
      return origin;
    }
    List<PeerClient> homes = peers.homes(digest, HOMES_TRIED);
    List<SwarmDownload.HaveAnswer> holders = holders(digest, size, homes);
    if (!holders.isEmpty()) {
      log.debug("blob from peers digest={} holders={}", digest, holders.size());
      return swarm(digest, size, holders, hub(holders, homes), false, origin);
    }
    FetchRequest fetch =
        FetchRequest.newBuilder()
            .setDigest(digest.toString())
            .setSize(size)
            .setUpstream(upstream.name())
            .setRepository(repo)
            .setAuthorization(auth == null ? "" : auth)
            .build();
    return fromReader(digest, size, fetch, origin, asReader);
  }

  /**
   * Asks the blob's readers in rank order (see {@link Peers#readers}) until one reads it from the
   * upstream: each but the last may leave it to the next while it reads another blob (see {@link
   * UpstreamShare}); the last may not. Every agent asks the same ones in the same order and each
   * keeps its answer, so all end at the same reader and the fleet downloads the blob once. When a
   * reader does not answer, every agent moves on to the same next one. With {@code asReader} the
   * readers end with this agent.
   */
  private BlobSource fromReader(
      Digest digest, long size, FetchRequest fetch, BlobSource origin, boolean asReader) {
    List<Optional<PeerClient>> readers =
        peers.readers(digest, asReader ? Integer.MAX_VALUE : READERS_TRIED);
    if (asReader) {
      readers = readers.subList(0, readers.indexOf(Optional.<PeerClient>empty()) + 1);
    }
    for (int i = 0; i < readers.size(); i++) {
      boolean mayDefer = i < readers.size() - 1;
      if (readers.get(i).isEmpty()) {
        if (share != null && mayDefer && share.defer(digest)) {
          log.debug("leaving the blob to the next reader digest={}", digest);
          continue;
        }
        if (share != null) {
          share.reading(digest);
        }
        return origin;
      }
      PeerClient reader = readers.get(i).get();
      try {
        reader.blocking(askTimeout).fetch(fetch.toBuilder().setMayDefer(mayDefer).build());
        log.debug("blob from its reader digest={} reader={}", digest, reader.address());
        return swarm(digest, size, List.of(), reader, true, origin);
      } catch (StatusRuntimeException e) {
        if (mayDefer && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          log.debug("reader defers digest={} reader={}", digest, reader.address());
          continue;
        }
        log.info(
            "peer cannot fetch digest={} peer={} error={}",
            digest,
            reader.address(),
            e.getStatus());
        if (!reader.gone(e.getStatus())) {
          return origin; // it answered: the upstream refused it, and would refuse this agent too
        }
        peers.markDown(reader);
      }
    }
    return origin;
  }

  /**
   * The peer a download announces its pieces to and asks who holds what: a holder reading the blob
   * from the upstream (every downloader of the blob knows it, as they know a home), else the first
   * home; null when this agent is the first home.
   */
  private static PeerClient hub(List<SwarmDownload.HaveAnswer> holders, List<PeerClient> homes) {
    for (SwarmDownload.HaveAnswer a : holders) {
      if (a.have().getDownloading() && a.have().getFetching()) {
        return a.client();
      }
    }
    return homes.isEmpty() ? null : homes.get(0);
  }

  /**
   * The blob's size as the peers holding it tell, for when the upstream cannot be asked: empty when
   * no live peer holds it.
   */
  public OptionalLong sizeFromPeers(Digest digest) {
    if (peers.isEmpty()) {
      return OptionalLong.empty();
    }
    for (SwarmDownload.HaveAnswer a : holders(digest, -1, peers.homes(digest, HOMES_TRIED))) {
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
   * -1, whatever size they tell. Of a large fleet only some are asked: see {@link #whomToAsk}.
   */
  private List<SwarmDownload.HaveAnswer> holders(Digest digest, long size, List<PeerClient> homes) {
    List<PeerClient> asked = whomToAsk(digest, homes);
    List<CompletableFuture<HaveResponse>> answers = new ArrayList<>();
    HaveRequest ask = HaveRequest.newBuilder().setDigest(digest.toString()).build();
    for (PeerClient p : asked) {
      answers.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.blocking(askTimeout).have(ask);
                } catch (StatusRuntimeException e) {
                  if (p.gone(e.getStatus())) {
                    peers.markDown(p);
                  }
                  log.info("peer did not answer peer={} error={}", p.address(), e.getStatus());
                  return HaveResponse.getDefaultInstance();
                }
              },
              asks));
    }
    List<SwarmDownload.HaveAnswer> out = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      HaveResponse h = answers.get(i).join();
      boolean sized = size < 0 || (h.getSize() == size && SwarmDownload.samePieces(h, size));
      // A peer downloading the blob is a source once it has pieces or fetches it from the
      // upstream itself; one still waiting for its first piece (perhaps from this agent) is not.
      boolean useful =
          h.getComplete() || (h.getDownloading() && (h.getFetching() || !h.getPieces().isEmpty()));
      if (h.getHeld() && sized && useful) {
        out.add(new SwarmDownload.HaveAnswer(asked.get(i), h));
      }
    }
    return out;
  }

  /**
   * Whom to ask what they hold of a blob. A fleet of up to {@link #askAtMost} live members is asked
   * whole. Of a larger one, asking everyone for every blob would cost each pull as many calls as
   * there are hosts; instead this agent asks the blob's homes, the holders its first home heard
   * from lately (downloaders announce to it), and a random sample of the rest up to {@link
   * #askAtMost} in all. A holder missed here is found later: the download asks the home for its
   * holders as it runs.
   */
  List<PeerClient> whomToAsk(Digest digest, List<PeerClient> homes) {
    List<PeerClient> live = peers.live();
    int limit = askAtMost;
    if (live.size() <= limit) {
      return live;
    }
    LinkedHashSet<PeerClient> chosen = new LinkedHashSet<>(homes);
    for (Holder h : announcedHolders(digest, homes)) {
      if (chosen.size() >= limit) {
        break;
      }
      try {
        peers
            .client(HostPort.parse("holder", h.getAddress()))
            .filter(live::contains)
            .ifPresent(chosen::add);
      } catch (ConfigException e) {
        log.debug("home named a holder badly digest={} holder={}", digest, h.getAddress());
      }
    }
    List<PeerClient> rest = new ArrayList<>(live);
    rest.removeAll(chosen);
    Collections.shuffle(rest, ThreadLocalRandom.current());
    for (PeerClient p : rest) {
      if (chosen.size() >= limit) {
        break;
      }
      chosen.add(p);
    }
    return List.copyOf(chosen);
  }

  /** The holders the blob's first home heard from lately; this agent's own registry if home. */
  private List<Holder> announcedHolders(Digest digest, List<PeerClient> homes) {
    if (homes.isEmpty()) {
      return registry == null ? List.of() : registry.holders(digest);
    }
    try {
      return homes
          .get(0)
          .blocking(askTimeout)
          .holders(HoldersRequest.newBuilder().setDigest(digest.toString()).build())
          .getHoldersList();
    } catch (StatusRuntimeException e) {
      log.info("home did not list holders home={} error={}", homes.get(0).address(), e.getStatus());
      return List.of();
    }
  }

  /** Test hook: how many members a fleet may have before only some are asked. */
  void askAtMost(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("askAtMost: " + n + " (expected: >= 1)");
    }
    askAtMost = n;
  }

  @Override
  public void close() {
    asks.shutdownNow();
    peers.close();
  }
}
