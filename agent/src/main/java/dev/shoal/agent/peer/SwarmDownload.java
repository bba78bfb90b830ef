package dev.shoal.agent.peer;

import com.google.protobuf.ByteString;
import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.agent.fetch.ParallelSource;
import dev.shoal.agent.fetch.PieceHashing;
import dev.shoal.agent.fetch.PieceSizes;
import dev.shoal.agent.fetch.PieceTarget;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.AnnounceRequest;
import dev.shoal.proto.peer.v1.AnnounceResponse;
import dev.shoal.proto.peer.v1.HaveRequest;
import dev.shoal.proto.peer.v1.HaveResponse;
import dev.shoal.proto.peer.v1.Holder;
import dev.shoal.proto.peer.v1.HoldersRequest;
import dev.shoal.proto.peer.v1.HoldersResponse;
import dev.shoal.proto.peer.v1.PieceData;
import dev.shoal.proto.peer.v1.PieceHashesRequest;
import dev.shoal.proto.peer.v1.PieceHashesResponse;
import dev.shoal.proto.peer.v1.ReadPiecesRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob's pieces from several peers at once. One loop, on the fetch's thread, owns all the state;
 * every reply (a piece, a holder list, a piece table) arrives as an event in its queue.
 *
 * <ul>
 *   <li><b>Who holds what:</b> the peers that answered the planner's question, then the blob's home
 *       peer's list of holders, refreshed every {@link #REFRESH} (less often in a large swarm: see
 *       {@link #refreshEvery}); this agent announces its own pieces to the home as often, so the
 *       others find them.
 *   <li><b>Piece table:</b> the SHA-256 of every piece, from a peer holding the blob complete (it
 *       verified the digest) or else from the home, which fetches it from the upstream. Every piece
 *       is checked against it on arrival; a peer whose piece does not match is avoided for {@link
 *       Peers#BAD_FOR} and its pieces are asked of others. The whole blob is still checked against
 *       its digest before it is complete (by the fetch), so a lying table costs a download, never a
 *       wrong blob.
 *   <li><b>Order:</b> the first missing piece first (the runtime waiting on the blob reads in
 *       order), then the rarest among the holders, at random among equals, so that downloaders take
 *       different pieces and pass them on to each other.
 *   <li><b>Load:</b> at most {@link #PER_PEER} requests per peer and {@link #MAX_BUFFERED} bytes in
 *       flight; nearest peers (zone, region) first, the home (busy fetching) last, then the peer
 *       serving fewest uploads (it says in every answer: {@link UploadLoad}).
 *   <li><b>First copies:</b> the home reading the blob from the upstream gives each new piece to
 *       its first asker only and names it to the others ({@link FirstCopies}); they ask that peer,
 *       which serves the piece once it holds it, and the home again only if it does not within a
 *       few piece times (at least {@link #RELAY_PATIENCE}).
 *   <li><b>Endgame:</b> when every missing piece is asked for, idle peers are asked for the same
 *       pieces; the first copy wins and the others are cancelled.
 *   <li><b>Give-up:</b> when no piece arrived for the stall bound, or no holder is left, {@link
 *       #download} fails and the fetch reads the missing pieces from the upstream.
 * </ul>
 */
final class SwarmDownload implements ParallelSource {
  private static final Logger log = LoggerFactory.getLogger(SwarmDownload.class);

  /** Piece requests in flight per peer; {@code -Dshoal.perPeer=N} changes it for measurements. */
  static final int PER_PEER = Integer.getInteger("shoal.perPeer", 3);

  /** Bytes of piece requests in flight at most (their buffers). */
  static final long MAX_BUFFERED = 64L << 20;

  /** Sources per {@link #REFRESH} of the refresh interval: see {@link #refreshEvery}. */
  static final int SOURCES_PER_REFRESH = 16;

  /** The longest refresh interval, however large the swarm. */
  static final Duration MAX_REFRESH = Duration.ofSeconds(2);

  /**
   * How often a download that knows {@code sources} peers asks the home again and announces its
   * pieces. A home hears from every downloader of its blob each interval: with a thousand of them,
   * every 250 ms would be twelve thousand calls a second. A download that knows many sources has
   * many to ask meanwhile, so the interval grows with them, up to {@link #MAX_REFRESH}.
   */
  static Duration refreshEvery(int sources) {
    long times = Math.max(1, sources / SOURCES_PER_REFRESH);
    Duration d = REFRESH.multipliedBy(times);
    return d.compareTo(MAX_REFRESH) > 0 ? MAX_REFRESH : d;
  }

  /** Piece buffers kept for reuse at most. */
  static final int SPARE_BUFFERS = 8;

  /** How often holder lists are refreshed and this agent's pieces announced. */
  static final Duration REFRESH = Duration.ofMillis(250);

  /** How long a last piece may take before an idle peer is asked for it too, at first. */
  static final Duration ENDGAME_AFTER = Duration.ofSeconds(1);

  private static final long MIN_PATIENCE = Duration.ofMillis(100).toNanos();

  /** The least time a peer the home sent us to gets for a piece: see {@code relayPatience}. */
  static final Duration RELAY_PATIENCE = Duration.ofSeconds(2);

  /** How long a peer that said it is busy is not asked again. */
  static final Duration BUSY_PAUSE = Duration.ofMillis(100);

  /** Failed requests after which a peer is left out of this download. */
  static final int MAX_FAILURES = 2;

  /** What one peer can send of the blob, as last heard. */
  static final class Source {
    final PeerClient client;
    BitSet pieces = new BitSet();
    boolean complete;
    boolean fetching; // downloading from the upstream in order: its next pieces come soon
    boolean downloading; // downloading (from anywhere), as it last said: more pieces will come
    // Pieces the fetching home sent to this peer first, telling us to take them from it: it serves
    // each as soon as it holds it.
    final BitSet promised = new BitSet();
    // Pieces this peer (the fetching home) sent on to another: not asked of it again unless that
    // one fails.
    final BitSet sentOn = new BitSet();
    int distance = 2;
    int inFlight;
    int failures;
    long busyUntil; // System.nanoTime() before which it said it is busy
    boolean dropped;

    Source(PeerClient client) {
      this.client = client;
    }

    boolean has(int piece) {
      return complete || pieces.get(piece);
    }

    /** Whether {@code piece} may be asked of this peer now or soon. */
    boolean offers(int piece) {
      return !sentOn.get(piece) && (has(piece) || promised.get(piece));
    }
  }

  private final Peers peers;
  private final Digest digest;
  private final long size;
  private final BlobSource fallback;
  private final Duration stall;
  private final String zone;
  private final String region;
  private final PeerClient home; // null when this agent is the home
  private final boolean homeFetching; // the home was asked to fetch the blob from the upstream
  private final HolderRegistry localRegistry; // this agent's registry, when it is the home
  private final List<HaveAnswer> initial;
  private volatile boolean failedOver;
  private volatile PeerClient tableSource;

  /** A peer's answer to the planner's Have. */
  record HaveAnswer(PeerClient client, HaveResponse have) {}

  /**
   * Whether a holder cuts the blob of {@code size} bytes into the pieces this agent does. An agent
   * of a version with another piece size (during a rolling upgrade) is not a source: its piece
   * numbers would name other bytes.
   */
  static boolean samePieces(HaveResponse h, long size) {
    return h.getPieceSize() == PieceSizes.forSize(size);
  }

  SwarmDownload(
      Peers peers,
      Digest digest,
      long size,
      List<HaveAnswer> initial,
      PeerClient home,
      boolean homeFetching,
      HolderRegistry localRegistry,
      BlobSource fallback,
      Duration stall,
      String zone,
      String region) {
    this.peers = peers;
    this.digest = digest;
    this.size = size;
    this.initial = List.copyOf(initial);
    this.home = home;
    this.homeFetching = homeFetching;
    this.localRegistry = localRegistry;
    this.fallback = fallback;
    this.stall = stall;
    this.zone = zone;
    this.region = region;
  }

  @Override
  public BlobSource fallback() {
    return fallback;
  }

  @Override
  public boolean parallel() {
    return !failedOver;
  }

  @Override
  public boolean failover() {
    if (failedOver) {
      return false;
    }
    failedOver = true;
    return true;
  }

  /** The blob did not match its digest though every piece matched the table: the table lied. */
  @Override
  public void distrust() {
    PeerClient t = tableSource;
    if (t != null) {
      peers.markBad(t);
    }
  }

  @Override
  public String name() {
    return failedOver ? fallback.name() : "peers";
  }

  @Override
  public String kind() {
    return failedOver ? fallback.kind() : "peer";
  }

  @Override
  public void download(PieceTarget target) throws IOException {
    new Run(target).run();
  }

  /** One download's state, touched only by the thread running it. */
  private final class Run {
    private final PieceTarget target;
    private final int pieceCount;
    private final byte[][] table;
    private final BitSet have;
    private final Map<HostPort, Source> sources = new LinkedHashMap<>();
    private final Map<Integer, List<Request>> inFlight = new HashMap<>();
    private final Map<Integer, Arrived> unverified = new HashMap<>();
    // Piece buffers of completed requests, for the next requests: pieces are never garbage.
    private final java.util.ArrayDeque<ByteBuffer> spare = new java.util.ArrayDeque<>();
    private final BlockingQueue<Consumer<Run>> events = new LinkedBlockingQueue<>();
    private final int[] order; // a random order of the pieces, to break ties among equals
    private long buffered;
    private long pieceNanos; // a moving average of how long a piece takes to arrive
    private long lastProgress = System.nanoTime();
    // When bytes of any piece last arrived: a download that receives bytes is making progress,
    // however slowly its pieces complete.
    private final java.util.concurrent.atomic.AtomicLong lastBytes =
        new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    private long nextRefresh;
    private boolean tableAsked;
    private boolean refreshing;
    private BitSet announced = new BitSet();

    Run(PieceTarget target) {
      this.target = target;
      this.pieceCount = target.pieceCount();
      this.table = new byte[pieceCount][];
      this.have = target.written();
      this.order = new int[pieceCount];
      List<Integer> shuffled = new ArrayList<>();
      for (int i = 0; i < pieceCount; i++) {
        shuffled.add(i);
      }
      java.util.Collections.shuffle(shuffled, ThreadLocalRandom.current());
      for (int i = 0; i < pieceCount; i++) {
        order[shuffled.get(i)] = i;
      }
      for (HaveAnswer a : initial) {
        learn(a.client(), a.have());
      }
      if (home != null && homeFetching) {
        source(home).fetching = true;
      }
    }

    void run() throws IOException {
      try {
        while (have.cardinality() < pieceCount) {
          if (target.stopped()) {
            throw new IOException("the agent is stopping");
          }
          long now = System.nanoTime();
          if (now >= nextRefresh && !refreshing) {
            refresh();
            nextRefresh = now + refreshEvery(sources.size()).toNanos();
          }
          askTableIfNeeded();
          schedule();
          Consumer<Run> event;
          try {
            event = events.poll(50, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("downloading " + digest + " from peers");
          }
          if (event != null) {
            try {
              event.accept(this);
            } catch (java.io.UncheckedIOException e) {
              throw e.getCause();
            }
          }
          long progress = Math.max(lastProgress, lastBytes.get());
          if (System.nanoTime() - progress > stall.toNanos()) {
            throw new IOException(
                "no piece of "
                    + digest
                    + " arrived from peers for "
                    + stall.toMillis()
                    + " ms ("
                    + state()
                    + ")");
          }
          if (inFlight.isEmpty() && unverified.isEmpty() && !anyUsable()) {
            throw new IOException("no peer left that holds " + digest);
          }
        }
        announce(true);
      } finally {
        for (List<Request> rs : inFlight.values()) {
          rs.forEach(Request::cancel);
        }
      }
    }

    /** What the download waits on, for the log line of one that gives up. */
    private String state() {
      StringBuilder b = new StringBuilder();
      b.append("have ").append(have.cardinality()).append('/').append(pieceCount);
      b.append(", last bytes ")
          .append((System.nanoTime() - lastBytes.get()) / 1_000_000)
          .append(" ms ago");
      long received = 0;
      for (List<Request> rs : inFlight.values()) {
        for (Request r : rs) {
          received += r.data.position();
        }
      }
      b.append(", in flight ").append(inFlight.size()).append(" (").append(received);
      b.append(" bytes of them received)");
      b.append(", awaiting hashes ").append(unverified.size());
      b.append(", buffered ").append(buffered);
      b.append(", table asked ").append(tableAsked);
      for (Source s : sources.values()) {
        b.append(", ").append(s.client.address()).append(':');
        b.append(s.complete ? "complete" : s.pieces.cardinality() + " pieces");
        b.append(s.fetching ? " fetching" : "");
        b.append(s.dropped ? " dropped" : "");
        b.append(" in flight ").append(s.inFlight);
        b.append(" failures ").append(s.failures);
      }
      return b.toString();
    }

    private Source source(PeerClient c) {
      return sources.computeIfAbsent(c.address(), a -> new Source(c));
    }

    private boolean anyUsable() {
      for (Source s : sources.values()) {
        if (!s.dropped && (s.complete || s.fetching || s.downloading || !s.pieces.isEmpty())) {
          return true;
        }
      }
      return false;
    }

    private void learn(PeerClient c, HaveResponse h) {
      if (!h.getHeld() || h.getSize() != size || !samePieces(h, size)) {
        return;
      }
      Source s = source(c);
      s.complete = h.getComplete();
      s.pieces = BitSet.valueOf(h.getPieces().asReadOnlyByteBuffer());
      s.fetching = h.getDownloading() && h.getFetching();
      // A peer that has no piece yet but is downloading the blob (from other peers) will have
      // some: it is not given up on; the stall bound still ends a wait for nothing.
      s.downloading = h.getDownloading();
      s.distance = distance(h.getZone(), h.getRegion());
    }

    private void learn(Holder h) {
      HostPort address;
      try {
        address = HostPort.parse("holder", h.getAddress());
      } catch (ConfigException e) {
        return;
      }
      if (address.equals(peers.self())) {
        return;
      }
      peers
          .client(address)
          .ifPresent(
              c -> {
                Source s = source(c);
                s.complete = s.complete || h.getComplete();
                BitSet announcedPieces = BitSet.valueOf(h.getPieces().asReadOnlyByteBuffer());
                s.pieces.or(announcedPieces);
                s.distance = distance(h.getZone(), h.getRegion());
              });
    }

    private int distance(String z, String r) {
      if (!zone.isEmpty() && zone.equals(z)) {
        return 0;
      }
      if (!region.isEmpty() && region.equals(r)) {
        return 1;
      }
      return 2;
    }

    /** Asks the home who holds what (and what it has itself), and announces this agent's pieces. */
    private void refresh() {
      announce(false);
      if (home == null) {
        if (localRegistry != null) {
          localRegistry.holders(digest).forEach(this::learn);
        }
        return;
      }
      if (!peers.live().contains(home)) {
        return;
      }
      refreshing = true;
      home.async(REFRESH.multipliedBy(8))
          .holders(
              HoldersRequest.newBuilder().setDigest(digest.toString()).build(),
              reply(
                  (HoldersResponse r) -> run -> r.getHoldersList().forEach(run::learn),
                  run -> run.refreshing = false));
      home.async(REFRESH.multipliedBy(8))
          .have(
              HaveRequest.newBuilder().setDigest(digest.toString()).build(),
              reply((HaveResponse r) -> run -> run.learn(home, r), run -> {}));
    }

    private void announce(boolean complete) {
      HostPort self = peers.self();
      if (self.port() == 0 || (!complete && have.equals(announced))) {
        return;
      }
      announced = (BitSet) have.clone();
      AnnounceRequest a =
          AnnounceRequest.newBuilder()
              .setDigest(digest.toString())
              .setAddress(self.toString())
              .setSize(size)
              .setPieces(ByteString.copyFrom(have.toByteArray()))
              .setComplete(complete)
              .setZone(zone)
              .setRegion(region)
              .build();
      if (home == null) {
        if (localRegistry != null) {
          localRegistry.announce(digest, a);
        }
        return;
      }
      home.async(REFRESH.multipliedBy(8))
          .announce(a, reply((AnnounceResponse r) -> run -> {}, run -> {}));
    }

    /** Asks for the piece table when a piece someone holds has no hash yet. */
    private void askTableIfNeeded() {
      if (tableAsked) {
        return;
      }
      boolean needed = !unverified.isEmpty();
      for (int i = have.nextClearBit(0); !needed && i < pieceCount; i = have.nextClearBit(i + 1)) {
        if (table[i] == null && heldBySomeone(i)) {
          needed = true;
        }
      }
      if (!needed) {
        return;
      }
      PeerClient from = chooseTableSource();
      if (from == null) {
        return;
      }
      tableSource = from;
      tableAsked = true;
      from.async(stall)
          .pieceHashes(
              PieceHashesRequest.newBuilder().setDigest(digest.toString()).build(),
              reply(
                  (PieceHashesResponse r) -> run -> run.adoptTable(r),
                  run -> run.tableAsked = false,
                  run -> run.tableFailed(from)));
    }

    /** A peer holding the blob complete (it verified it), the nearest; else the home. */
    private PeerClient chooseTableSource() {
      Source best = null;
      for (Source s : sources.values()) {
        if (!s.dropped && s.complete && (best == null || s.distance < best.distance)) {
          best = s;
        }
      }
      if (best != null) {
        return best.client;
      }
      if (home != null && sources.containsKey(home.address()) && !source(home).dropped) {
        return home;
      }
      Source most = null;
      for (Source s : sources.values()) {
        if (!s.dropped && (most == null || s.pieces.cardinality() > most.pieces.cardinality())) {
          most = s;
        }
      }
      return most == null ? null : most.client;
    }

    /** The table source did not answer: counts as a failed request, so another is tried soon. */
    private void tableFailed(PeerClient from) {
      Source s = source(from);
      s.failures++;
      if (s.failures >= MAX_FAILURES) {
        drop(s, "its piece table failed");
      }
    }

    private void adoptTable(PieceHashesResponse r) {
      if (r.getSize() != size || r.getHashesCount() != pieceCount) {
        log.warn("peer sent a piece table of another shape digest={} size={}", digest, r.getSize());
        return;
      }
      for (int i = 0; i < pieceCount; i++) {
        ByteString h = r.getHashes(i);
        if (table[i] == null && h.size() == PieceHashing.LENGTH) {
          table[i] = h.toByteArray();
        }
      }
      for (Integer piece : new ArrayList<>(unverified.keySet())) {
        if (table[piece] != null) {
          Arrived a = unverified.remove(piece);
          accept(piece, a.from, a.data);
        }
      }
    }

    private boolean heldBySomeone(int piece) {
      for (Source s : sources.values()) {
        if (!s.dropped && s.has(piece)) {
          return true;
        }
      }
      return false;
    }

    /** Asks peers for pieces while slots and buffer room are free. */
    private void schedule() {
      List<Integer> wanted = new ArrayList<>();
      int[] rarity = new int[pieceCount];
      for (int i = have.nextClearBit(0); i < pieceCount; i = have.nextClearBit(i + 1)) {
        if (inFlight.containsKey(i) || unverified.containsKey(i)) {
          continue;
        }
        int holders = 0;
        for (Source s : sources.values()) {
          if (!s.dropped && (s.offers(i) || soonFrom(s, i))) {
            holders++;
          }
        }
        if (holders > 0) {
          rarity[i] = holders;
          wanted.add(i);
        }
      }
      int first = have.nextClearBit(0);
      wanted.sort(
          Comparator.comparingInt((Integer i) -> i == first ? 0 : 1)
              .thenComparingInt(i -> rarity[i])
              .thenComparingInt(i -> order[i]));
      for (int piece : wanted) {
        if (!room(piece)) {
          return;
        }
        Source s = pick(piece, null);
        if (s != null) {
          request(piece, s);
        }
      }
      if (wanted.isEmpty() && !inFlight.isEmpty()) {
        endgame();
      }
    }

    /**
     * The last pieces: idle peers are asked for the pieces still on their way from others, once
     * those take longer than twice the usual piece time (or {@link #ENDGAME_AFTER} before any piece
     * arrived), so a fast first choice is not doubled needlessly.
     */
    private void endgame() {
      long now = System.nanoTime();
      long patience =
          pieceNanos == 0 ? ENDGAME_AFTER.toNanos() : Math.max(2 * pieceNanos, MIN_PATIENCE);
      for (Map.Entry<Integer, List<Request>> e : new ArrayList<>(inFlight.entrySet())) {
        int piece = e.getKey();
        if (e.getValue().size() > 1
            || now - e.getValue().get(0).started < patience
            || !room(piece)) {
          continue;
        }
        Source s = pick(piece, e.getValue().get(0).source);
        if (s != null) {
          request(piece, s);
        }
      }
    }

    private boolean room(int piece) {
      return buffered + target.lengthOf(piece) <= Math.max(MAX_BUFFERED, target.pieceSize());
    }

    /** The home fetching in order sends its next pieces as they arrive: they may be asked for. */
    private boolean soonFrom(Source s, int piece) {
      // A piece the home sent on to another is still one of its next pieces here: a download with
      // nothing else to ask asks the home again once its endgame patience passes, rather than wait
      // for the other peer. Waiting measured slower (bench/README.md, 4 hosts: 23.6 s, not 22.4).
      if (!s.fetching || s.pieces.get(piece)) {
        return false;
      }
      // Within PER_PEER pieces after the end of a run it holds (or of the blob's start): the home
      // may read a blob over two requests at once (BlobFetch), each with its own frontier.
      int held = s.pieces.previousSetBit(piece);
      int runEnd = held < 0 ? 0 : held + 1;
      return piece - runEnd < PER_PEER;
    }

    /**
     * The best peer with a free slot for {@code piece}, other than {@code not}; none while a nearer
     * peer that has the piece is busy: bytes from another zone or region cost more than a wait.
     */
    private Source pick(int piece, Source not) {
      long now = System.nanoTime();
      int nearest = Integer.MAX_VALUE;
      for (Source s : sources.values()) {
        if (!s.dropped && (s.offers(piece) || soonFrom(s, piece))) {
          nearest = Math.min(nearest, s.distance);
        }
      }
      Source best = null;
      for (Source s : sources.values()) {
        if (s == not
            || s.dropped
            || s.distance > nearest
            || s.inFlight >= PER_PEER
            || (s.busyUntil != 0 && now - s.busyUntil < 0)
            || !(s.offers(piece) || soonFrom(s, piece))) {
          continue;
        }
        if (best == null || better(s, best)) {
          best = s;
        }
      }
      return best;
    }

    /** Nearer first; then not the blob's home; then the less loaded uplink; then at random. */
    private boolean better(Source a, Source b) {
      if (a.distance != b.distance) {
        return a.distance < b.distance;
      }
      boolean aHome = a.client == home;
      boolean bHome = b.client == home;
      if (aHome != bHome) {
        return !aHome; // the home is busy fetching for everyone
      }
      int aLoad = load(a);
      int bLoad = load(b);
      if (aLoad != bLoad) {
        return aLoad < bLoad;
      }
      return ThreadLocalRandom.current().nextBoolean();
    }

    /**
     * How busy a source's uplink is, as far as this download knows: the uploads it said it serves
     * (to anyone, for any blob) when it last answered, or this download's own requests to it when
     * more were asked since.
     */
    private static int load(Source s) {
      return Math.max(s.client.uploads(), s.inFlight);
    }

    private void request(int piece, Source s) {
      boolean relayed = !s.has(piece) && s.promised.get(piece);
      Request r = new Request(piece, s, buffer(target.lengthOf(piece)), relayed);
      inFlight.computeIfAbsent(piece, p -> new ArrayList<>()).add(r);
      s.inFlight++;
      buffered += r.length;
      HostPort self = peers.self();
      s.client
          .pieces(relayed ? relayPatience() : stall.multipliedBy(3))
          .readPieces(
              ReadPiecesRequest.newBuilder()
                  .setDigest(digest.toString())
                  .setFirstPiece(piece)
                  .setCount(1)
                  .setReader(self.port() == 0 ? "" : self.toString())
                  .build(),
              r);
    }

    /**
     * How long a peer the home sent us to may take with a piece it is itself still receiving before
     * the home is asked again: a few usual piece times, at least {@link #RELAY_PATIENCE}.
     */
    private Duration relayPatience() {
      return Duration.ofNanos(Math.max(RELAY_PATIENCE.toNanos(), 4 * pieceNanos));
    }

    /**
     * The fetching home sent {@code piece} to another peer first and said so: that one is asked for
     * it, and the home not again, unless it fails. A peer this agent cannot reach (or itself) means
     * asking the home again, which then serves it.
     */
    private void sentOn(Request r, Metadata trailers) {
      Source home = r.source;
      String relay = trailers == null ? null : trailers.get(FirstCopies.RELAY);
      Optional<PeerClient> to = Optional.empty();
      if (relay != null) {
        try {
          HostPort address = HostPort.parse("relay", relay);
          if (!address.equals(peers.self())) {
            to = peers.client(address);
          }
        } catch (ConfigException e) {
          log.debug("home named no usable relay digest={} relay={}", digest, relay);
        }
      }
      if (to.isEmpty() || source(to.get()).dropped) {
        return; // asked of the home again, which serves a reader it sent on once
      }
      home.sentOn.set(r.piece);
      source(to.get()).promised.set(r.piece);
    }

    /** A peer the home sent us to did not deliver {@code piece}: the home is asked again. */
    private void relayFailed(Request r) {
      r.source.promised.clear(r.piece);
      for (Source s : sources.values()) {
        s.sentOn.clear(r.piece);
      }
    }

    private void finished(Request r) {
      List<Request> rs = inFlight.get(r.piece);
      if (rs != null && rs.remove(r)) {
        r.source.inFlight--;
        buffered -= r.length;
        if (rs.isEmpty()) {
          inFlight.remove(r.piece);
        }
      }
    }

    private void arrived(Request r, ByteBuffer data) {
      finished(r);
      r.source.failures = 0;
      long took = System.nanoTime() - r.started;
      pieceNanos = pieceNanos == 0 ? took : (pieceNanos * 7 + took) / 8;
      if (have.get(r.piece)) {
        recycle(data);
        return; // another copy won
      }
      List<Request> others = inFlight.remove(r.piece);
      if (others != null) {
        for (Request o : others) {
          o.source.inFlight--;
          buffered -= o.length;
          o.cancel();
        }
      }
      if (table[r.piece] == null) {
        unverified.put(r.piece, new Arrived(r.source, data));
        return;
      }
      accept(r.piece, r.source, data);
    }

    private void accept(int piece, Source from, ByteBuffer data) {
      if (!Arrays.equals(PieceHashing.sha256(data), table[piece])) {
        log.warn(
            "piece does not match the piece table digest={} piece={} peer={}",
            digest,
            piece,
            from.client.address());
        target.rejected(piece, "peer " + from.client.address());
        peers.markBad(from.client);
        drop(from, "it sent a wrong piece");
        recycle(data);
        return;
      }
      try {
        target.write(piece, data, "peer " + from.client.address());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      recycle(data);
      have.set(piece);
      lastProgress = System.nanoTime();
    }

    /** A buffer for a piece of {@code length} bytes: a spare one, or a new one. */
    private ByteBuffer buffer(int length) {
      ByteBuffer b = spare.poll();
      if (b == null) {
        b = ByteBuffer.allocate(target.pieceSize());
      }
      b.clear().limit(length);
      return b;
    }

    /**
     * Keeps the buffer of a request that completed for the next one. Only completed ones: a
     * cancelled or failed request's buffer may still be written to by a late message.
     */
    private void recycle(ByteBuffer b) {
      if (spare.size() < SPARE_BUFFERS && b.capacity() == target.pieceSize()) {
        spare.push(b);
      }
    }

    private void failed(Request r, Throwable t) {
      boolean ours = r.cancelled;
      finished(r);
      if (ours) {
        return;
      }
      Source s = r.source;
      if (Status.fromThrowable(t).getCode() == Status.Code.ALREADY_EXISTS) {
        sentOn(r, Status.trailersFromThrowable(t));
        return;
      }
      if (Status.fromThrowable(t).getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        // Busy with other readers: not a failure; it is asked again after a pause.
        s.busyUntil = System.nanoTime() + BUSY_PAUSE.toNanos();
        return;
      }
      if (r.relayed) {
        // Not the peer's failure: it may not have received the piece in time itself.
        relayFailed(r);
        return;
      }
      s.failures++;
      log.debug(
          "piece request failed digest={} piece={} peer={} error={}",
          digest,
          r.piece,
          s.client.address(),
          Status.fromThrowable(t));
      if (s.failures >= MAX_FAILURES) {
        Status.Code code = Status.fromThrowable(t).getCode();
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
          peers.markDown(s.client);
        }
        drop(s, Status.fromThrowable(t).toString());
      }
    }

    private void drop(Source s, String why) {
      if (!s.dropped) {
        s.dropped = true;
        log.info(
            "peer left out of download digest={} peer={} why={}", digest, s.client.address(), why);
      }
      for (List<Request> rs : new ArrayList<>(inFlight.values())) {
        for (Request r : new ArrayList<>(rs)) {
          if (r.source == s) {
            r.cancel();
            finished(r);
          }
        }
      }
    }

    /** A StreamObserver whose reply and end become events of this run. */
    private <T> StreamObserver<T> reply(
        java.util.function.Function<T, Consumer<Run>> onReply, Consumer<Run> onEnd) {
      return reply(onReply, onEnd, run -> {});
    }

    private <T> StreamObserver<T> reply(
        java.util.function.Function<T, Consumer<Run>> onReply,
        Consumer<Run> onEnd,
        Consumer<Run> onError) {
      return new StreamObserver<>() {
        @Override
        public void onNext(T value) {
          events.add(onReply.apply(value));
        }

        @Override
        public void onError(Throwable t) {
          events.add(onError.andThen(onEnd));
        }

        @Override
        public void onCompleted() {
          events.add(onEnd);
        }
      };
    }

    /** One piece asked of one peer; its bytes are gathered here, then handed to the run. */
    private final class Request implements ClientResponseObserver<ReadPiecesRequest, PieceData> {
      final int piece;
      final Source source;
      final int length;
      final long started = System.nanoTime();
      final ByteBuffer data;
      final boolean relayed; // asked of a peer the home sent us to, before it held the piece
      private volatile ClientCallStreamObserver<ReadPiecesRequest> call;
      volatile boolean cancelled;
      private boolean bad;

      Request(int piece, Source source, ByteBuffer data, boolean relayed) {
        this.piece = piece;
        this.source = source;
        this.length = data.remaining();
        this.data = data;
        this.relayed = relayed;
      }

      @Override
      public void beforeStart(ClientCallStreamObserver<ReadPiecesRequest> requestStream) {
        this.call = requestStream;
      }

      @Override
      public void onNext(PieceData value) {
        long expected = (long) piece * target.pieceSize() + data.position();
        if (bad || value.getOffset() != expected || value.getData().size() > data.remaining()) {
          bad = true;
          return;
        }
        value.getData().copyTo(data);
        lastBytes.set(System.nanoTime());
      }

      @Override
      public void onError(Throwable t) {
        events.add(run -> run.failed(this, t));
      }

      @Override
      public void onCompleted() {
        if (bad || data.hasRemaining()) {
          events.add(
              run ->
                  run.failed(
                      this,
                      Status.DATA_LOSS
                          .withDescription("piece " + piece + " arrived short or out of place")
                          .asException()));
          return;
        }
        data.flip();
        events.add(run -> run.arrived(this, data));
      }

      void cancel() {
        cancelled = true;
        ClientCallStreamObserver<ReadPiecesRequest> c = call;
        if (c != null) {
          c.cancel("not needed any more", null);
        }
      }
    }
  }

  /** A piece that arrived before its hash: it waits for the piece table. */
  private record Arrived(Source from, ByteBuffer data) {}
}
