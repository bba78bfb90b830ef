package dev.shoal.agent.peer;

import dev.shoal.core.config.HostPort;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the member list again every so often (a peers file, DNS) and hands it to {@link Peers}. A
 * failed read keeps the list there was, with a warning: a DNS hiccup does not empty the swarm.
 */
public final class MembershipRefresher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MembershipRefresher.class);

  private final ScheduledExecutorService timer;

  private MembershipRefresher(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** The first list, read now: the static members alone when the rest cannot be read yet. */
  public static List<HostPort> initial(MemberSource source, List<HostPort> fallback) {
    try {
      return source.resolve();
    } catch (IOException e) {
      log.warn(
          "cannot read the peer list yet, starting with the static peers error={}", e.toString());
      return fallback;
    }
  }

  /** Refreshes {@code peers} from {@code source} every {@code every} until closed. */
  public static MembershipRefresher start(MemberSource source, Peers peers, Duration every) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shoal-peer-members");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            peers.refresh(source.resolve());
          } catch (IOException | RuntimeException e) {
            log.warn("cannot read the peer list, keeping the last one error={}", e.toString());
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    return new MembershipRefresher(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
