package dev.shoal.agent.peer;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other agents this one knows (a static list for now), which of them answer, and which are a
 * blob's home: the live member, this agent included, with the highest rendezvous score for the
 * digest. Every agent computes the same home from the same member list, with no coordination, and a
 * member leaving moves only the blobs it was home of.
 */
public final class Peers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Peers.class);

  /** How long a peer that sent wrong bytes is avoided. */
  static final Duration BAD_FOR = Duration.ofMinutes(5);

  private final HostPort bound;
  private volatile HostPort self;
  // Replaced whole by refresh(); read without a lock.
  private volatile Map<HostPort, PeerClient> clients;
  private final Map<HostPort, Instant> downUntil = new ConcurrentHashMap<>();
  // The last health answer of each member; absent until its first probe, which counts as up.
  private final Map<HostPort, Boolean> healthy = new ConcurrentHashMap<>();
  // Why each member is down or left out, for status; only the latest reason.
  private final Map<HostPort, String> why = new ConcurrentHashMap<>();
  private final Optional<SslContext> tls;
  private final Duration downFor;
  private final Clock clock;

  /**
   * @param self this agent's bound peer address; the entry of {@code members} that is this agent
   *     (see {@link SelfAddress}) takes its place
   * @param tls the client side of the peer port's mTLS; empty: plaintext, the lab setting
   * @param downFor how long a peer that failed a call is left out
   */
  public Peers(
      HostPort self,
      List<HostPort> members,
      Optional<SslContext> tls,
      Duration downFor,
      Clock clock) {
    this.bound = self;
    this.clients = Map.of();
    this.tls = tls;
    this.downFor = downFor;
    this.clock = clock;
    refresh(members);
  }

  /**
   * Makes {@code members} the member list: connections to new members open, those to members no
   * longer listed close. Blobs whose home was a member that left move to the next in rank.
   */
  public synchronized void refresh(List<HostPort> members) {
    HostPort me = SelfAddress.find(bound, members);
    Map<HostPort, PeerClient> old = clients;
    Map<HostPort, PeerClient> map = new LinkedHashMap<>();
    for (HostPort m : members) {
      if (!m.equals(me) && !map.containsKey(m)) {
        PeerClient existing = old.get(m);
        map.put(m, existing != null ? existing : new PeerClient(m, tls));
      }
    }
    this.self = me;
    this.clients = Map.copyOf(map);
    for (Map.Entry<HostPort, PeerClient> e : old.entrySet()) {
      if (!map.containsKey(e.getKey())) {
        e.getValue().close();
        downUntil.remove(e.getKey());
        healthy.remove(e.getKey());
        why.remove(e.getKey());
      }
    }
    if (!map.keySet().equals(old.keySet())) {
      log.info("peers now={} self={}", map.keySet(), me);
    }
  }

  /** The other members' addresses now. */
  public List<HostPort> members() {
    return List.copyOf(clients.keySet());
  }

  public HostPort self() {
    return self;
  }

  /**
   * The other agents that answer: not failing their health checks, and not marked down after a
   * failed call. Sources are chosen, and blobs' homes ranked, among these alone.
   */
  List<PeerClient> live() {
    Instant now = clock.instant();
    List<PeerClient> out = new ArrayList<>();
    for (PeerClient c : clients.values()) {
      Instant until = downUntil.get(c.address());
      if ((until == null || until.isBefore(now)) && isHealthy(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Every member's connection, live or not: what the health checks probe. */
  List<PeerClient> all() {
    return List.copyOf(clients.values());
  }

  /** How many members passed their last health check (not counting those not probed yet). */
  public int answering() {
    int n = 0;
    for (HostPort m : clients.keySet()) {
      if (Boolean.TRUE.equals(healthy.get(m))) {
        n++;
      }
    }
    return n;
  }

  /** A member as this agent sees it now, for {@code shoal status}. */
  public record MemberState(HostPort address, State state, String detail) {}

  /** Whether a member is used as a source and home now, and if not, why. */
  public enum State {
    /** It passed its last health check. */
    ANSWERING,
    /** Not probed yet; counted in until its first probe. */
    UNPROBED,
    /** It failed its health checks: left out until it answers again. */
    DOWN,
    /** A call to it failed, or it sent wrong bytes: left out until a time. */
    LEFT_OUT
  }

  /** Every other member's state, in member-list order. */
  public List<MemberState> states() {
    Instant now = clock.instant();
    List<MemberState> out = new ArrayList<>();
    for (HostPort m : clients.keySet()) {
      Instant until = downUntil.get(m);
      Boolean health = healthy.get(m);
      if (until != null && until.isAfter(now)) {
        long seconds = Math.max(1, Duration.between(now, until).toSeconds());
        out.add(
            new MemberState(
                m, State.LEFT_OUT, why.getOrDefault(m, "") + "; for " + seconds + " s more"));
      } else if (health == null) {
        out.add(new MemberState(m, State.UNPROBED, ""));
      } else if (!health) {
        out.add(new MemberState(m, State.DOWN, why.getOrDefault(m, "")));
      } else {
        out.add(new MemberState(m, State.ANSWERING, ""));
      }
    }
    return out;
  }

  /** Whether {@code peer} passed its last health check (or has not had one yet). */
  boolean isHealthy(PeerClient peer) {
    return healthy.getOrDefault(peer.address(), true);
  }

  /**
   * Records a health check's answer; {@code downBecause} is null when the peer serves. Logs only
   * changes: a member going down, and coming back.
   */
  void health(PeerClient peer, String downBecause) {
    if (clients.get(peer.address()) != peer) {
      return; // it left the member list while the probe was out
    }
    boolean up = downBecause == null;
    if (!up) {
      why.put(peer.address(), downBecause);
    }
    Boolean was = healthy.put(peer.address(), up);
    if (was == null && up) {
      log.debug("peer up peer={}", peer.address());
    } else if (was == null || was != up) {
      if (up) {
        log.info("peer up again peer={}", peer.address());
      } else {
        log.warn("peer down peer={} error={}", peer.address(), downBecause);
      }
    }
  }

  /** Leaves {@code peer} out for a while after it failed a call. */
  void markDown(PeerClient peer) {
    why.put(peer.address(), "a call failed");
    downUntil.put(peer.address(), clock.instant().plus(downFor));
  }

  /** Leaves {@code peer} out for longer: it sent bytes that did not match their digest. */
  void markBad(PeerClient peer) {
    log.warn("peer sent bad bytes, avoiding it for {} peer={}", BAD_FOR, peer.address());
    why.put(peer.address(), "it sent bytes that did not match");
    downUntil.put(peer.address(), clock.instant().plus(BAD_FOR));
  }

  /** The blob's home among the live members and this agent; empty when that is this agent. */
  Optional<PeerClient> home(Digest digest) {
    return homes(digest, 1).stream().findFirst();
  }

  /**
   * The live members that rank above this agent for {@code digest}, best first, at most {@code n}:
   * the blob's home and those that take its place, in order, when it does not answer. Empty when
   * this agent is the home.
   */
  List<PeerClient> homes(Digest digest, int n) {
    long mine = score(self, digest);
    List<PeerClient> above = new ArrayList<>();
    for (PeerClient c : live()) {
      if (Long.compareUnsigned(score(c.address(), digest), mine) > 0) {
        above.add(c);
      }
    }
    above.sort(Comparator.comparing(PeerClient::address, bestFirst(digest)));
    return List.copyOf(above.subList(0, Math.min(n, above.size())));
  }

  /**
   * The first {@code n} of the live members and this agent, ranked for {@code digest}, best first;
   * this agent is the empty entry. The blob's readers from the upstream, in the order every agent
   * asks them (see {@link UpstreamShare}).
   */
  List<Optional<PeerClient>> readers(Digest digest, int n) {
    Map<HostPort, PeerClient> byAddress = new java.util.HashMap<>();
    for (PeerClient c : live()) {
      byAddress.put(c.address(), c);
    }
    List<HostPort> ranked = new ArrayList<>(byAddress.keySet());
    ranked.add(self);
    ranked.sort(bestFirst(digest));
    List<Optional<PeerClient>> out = new ArrayList<>();
    for (HostPort h : ranked.subList(0, Math.min(n, ranked.size()))) {
      out.add(h.equals(self) ? Optional.empty() : Optional.of(byAddress.get(h)));
    }
    return out;
  }

  /** Members ordered by their score for {@code digest}, best first (for tests and tools). */
  List<HostPort> ranking(Digest digest) {
    List<HostPort> all = new ArrayList<>(clients.keySet());
    all.add(self);
    all.sort(bestFirst(digest));
    return all;
  }

  /** Rendezvous order for {@code digest}: the highest score first. */
  private static Comparator<HostPort> bestFirst(Digest digest) {
    return Comparator.comparing(
        (HostPort h) -> score(h, digest), (a, b) -> Long.compareUnsigned(b, a));
  }

  /** The connection to member {@code address}, if it is one of the others. */
  Optional<PeerClient> client(HostPort address) {
    return Optional.ofNullable(clients.get(address));
  }

  static long score(HostPort member, Digest digest) {
    byte[] h = Digest.sha256Of((member + "|" + digest).getBytes(StandardCharsets.UTF_8)).bytes();
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return v;
  }

  public boolean isEmpty() {
    return clients.isEmpty();
  }

  @Override
  public void close() {
    clients.values().forEach(PeerClient::close);
  }
}
