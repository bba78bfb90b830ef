package dev.shoal.agent.runtime;

import dev.shoal.agent.runtime.ContainerException.Kind;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.ContainerState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which containers run, and what ends them: the exit of the runc process the agent started, or, for
 * a container adopted after an agent restart (not the agent's child), its exit file appearing,
 * polled every half second. An exit is recorded in the index with its code and time.
 */
final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final ContainerIndex index;
  private final Runc runc;
  private final RuntimeConfig config;
  private final Clock clock;

  /** Running containers; each future completes when the container has exited and is recorded. */
  private final Map<String, CompletableFuture<ContainerRecord>> running = new ConcurrentHashMap<>();

  private volatile boolean closed;

  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "shoal-container-poll");
            t.setDaemon(true);
            return t;
          });

  Lifecycle(ContainerIndex index, Runc runc, RuntimeConfig config, Clock clock) {
    this.index = index;
    this.runc = runc;
    this.config = config;
    this.clock = clock;
  }

  /** Records the container as running, started by {@code process}, and watches for its exit. */
  ContainerRecord start(ContainerRecord.Builder rec, Process process) throws IOException {
    String id = rec.getId();
    CompletableFuture<ContainerRecord> exit = new CompletableFuture<>();
    running.put(id, exit);
    ContainerRecord r =
        rec.setState(ContainerState.CONTAINER_STATE_RUNNING)
            .setStartedMillis(clock.millis())
            .build();
    index.put(r);
    process.onExit().thenRun(() -> exited(id, Optional.of(process.exitValue())));
    return r;
  }

  boolean running(String id) {
    return running.containsKey(id);
  }

  /** Waits up to {@code max} for the container to exit; true when it is not running (any more). */
  boolean awaitExit(String id, Duration max) throws IOException {
    CompletableFuture<ContainerRecord> exit = running.get(id);
    if (exit == null) {
      return true;
    }
    try {
      exit.get(max.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for container " + id);
    } catch (ExecutionException e) {
      throw new IOException("container " + id + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** SIGTERM, then SIGKILL after {@code timeout}; returns once it exited. */
  void stop(String id, Duration timeout) throws IOException {
    if (!running(id)) {
      return;
    }
    runc.kill(id, "TERM");
    if (!awaitExit(id, timeout)) {
      log.info("container ignored SIGTERM, killing it id={} after={}", id, timeout);
      kill(id, Duration.ofSeconds(10));
    }
  }

  /** SIGKILL; returns once it exited. */
  void kill(String id, Duration wait) throws IOException {
    runc.kill(id, "KILL");
    if (!awaitExit(id, wait)) {
      throw new ContainerException(
          Kind.FAILED,
          "container " + id + " did not exit within " + wait.toSeconds() + "s of SIGKILL");
    }
  }

  void forget(String id) {
    running.remove(id);
  }

  /**
   * Takes over the containers an earlier agent recorded as running (or was preparing): exited when
   * the exit file says so, adopted when runc still runs them, else unknown.
   */
  void recover() throws IOException {
    for (ContainerRecord r : index.all()) {
      ContainerState s = r.getState();
      if (s != ContainerState.CONTAINER_STATE_RUNNING
          && s != ContainerState.CONTAINER_STATE_CREATED) {
        continue;
      }
      String id = r.getId();
      Optional<Integer> code = exitFile(id);
      if (code.isEmpty() && stillRunning(id)) {
        running.put(id, new CompletableFuture<>());
        poller.scheduleWithFixedDelay(
            () -> pollAdopted(id), POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("container still running, adopted id={} name={}", id, r.getName());
      } else {
        running.put(id, new CompletableFuture<>());
        exited(id, code);
      }
    }
  }

  /** Whether runc runs it; false, with a warning, when runc cannot be asked. */
  private boolean stillRunning(String id) {
    try {
      return runc.status(id).filter(st -> !st.equals("stopped")).isPresent();
    } catch (IOException e) {
      log.warn("cannot ask runc about container id={}: {}", id, e.getMessage());
      return false;
    }
  }

  private void pollAdopted(String id) {
    CompletableFuture<ContainerRecord> exit = running.get(id);
    if (exit == null || exit.isDone()) {
      throw new IllegalStateException("done"); // ends this schedule; nothing else sees it
    }
    try {
      Optional<Integer> code = exitFile(id);
      if (code.isPresent() || runc.status(id).isEmpty()) {
        exited(id, code.isPresent() ? code : exitFile(id));
      }
    } catch (IOException e) {
      log.warn("cannot check adopted container id={}", id, e);
    }
  }

  /**
   * Records the exit: EXITED with its code, or UNKNOWN when the code is not known. After {@link
   * #close} it records nothing: the next agent learns the exit from the exit file.
   */
  private void exited(String id, Optional<Integer> code) {
    if (closed) {
      return;
    }
    CompletableFuture<ContainerRecord> exit = running.get(id);
    try {
      Optional<ContainerRecord> r = index.get(id);
      ContainerRecord done = null;
      if (r.isPresent()) {
        done =
            r.get().toBuilder()
                .setState(
                    code.isPresent()
                        ? ContainerState.CONTAINER_STATE_EXITED
                        : ContainerState.CONTAINER_STATE_UNKNOWN)
                .setExitCode(code.orElse(-1))
                .setFinishedMillis(clock.millis())
                .build();
        index.put(done);
        log.info("container exited id={} code={}", id, code.map(String::valueOf).orElse("unknown"));
      }
      running.remove(id);
      if (exit != null) {
        exit.complete(done);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot record the exit of container id={}", id, e);
      running.remove(id);
      if (exit != null) {
        exit.completeExceptionally(e);
      }
    }
  }

  private Optional<Integer> exitFile(String id) throws IOException {
    Path file = config.bundle(id).resolve(Runc.EXIT_FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).strip()));
    } catch (NumberFormatException e) {
      log.warn("unreadable exit file, exit code unknown file={}", file);
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    closed = true;
    poller.shutdownNow();
  }
}
