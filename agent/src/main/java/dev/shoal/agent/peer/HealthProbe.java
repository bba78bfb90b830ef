package dev.shoal.agent.peer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the members for their gRPC health ({@code grpc.health.v1}) every {@code interval}, with a
 * deadline no longer than that, and tells {@link Peers}. A member that answers NOT_SERVING (it is
 * shutting down) is out at once; one that does not answer is out after {@link #MISSES} probes in a
 * row, so one slow answer on a busy host does not move blobs' homes back and forth; a probe that
 * times out while the member is sending this agent other messages is no miss at all. A member is
 * back from its first SERVING. So a dead member leaves source choice and home ranking within about
 * {@code MISSES * interval} plus the deadline, and a restarted one is back within about {@code
 * interval}, with no transfer having to fail first.
 */
final class HealthProbe implements AutoCloseable {
  /**
   * The longest a probe may take; a shorter interval shortens it too. A member busy sending pieces
   * over a full link (the probe waits behind them) still answers within it.
   */
  static final Duration MAX_DEADLINE = Duration.ofSeconds(3);

  /** Probes in a row without an answer after which a member counts as down. */
  static final int MISSES = 3;

  /** Members probed per round at most. */
  static final int PER_ROUND = 64;

  private final Peers peers;
  private final Duration deadline;
  private final Rotation<PeerClient> rounds = new Rotation<>(PER_ROUND); // the timer thread's
  // At most one probe in flight per member: a member that hangs is not probed twice over.
  private final Set<PeerClient> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<PeerClient, Integer> misses = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> task;

  HealthProbe(Peers peers, Duration interval, ScheduledExecutorService timer) {
    this.peers = peers;
    this.deadline = interval.compareTo(MAX_DEADLINE) < 0 ? interval : MAX_DEADLINE;
    this.task =
        timer.scheduleWithFixedDelay(this::probeAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round: the next members in turn, except those still answering an earlier probe. */
  void probeAll() {
    List<PeerClient> members = peers.all();
    misses.keySet().retainAll(members); // forget those that left the member list
    for (PeerClient peer : rounds.next(members)) {
      if (inFlight.add(peer)) {
        peer.checkHealth(
            deadline,
            !peers.isHealthy(peer),
            health -> {
              inFlight.remove(peer);
              if (health.serving()) {
                misses.remove(peer);
                peers.health(peer, null);
              } else if (health.timedOut() && peer.heardRecently()) {
                // Not a miss: the peer is sending this agent other things (pieces, say) right
                // now, and the probe waited behind them.
              } else if (health.answered() || misses.merge(peer, 1, Integer::sum) >= MISSES) {
                peers.health(peer, health.detail());
              }
            });
      }
    }
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
