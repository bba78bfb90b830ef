package dev.shoal.core.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a server in the foreground until SIGTERM or SIGINT: a shutdown hook closes it (stop
 * accepting, close the store). Optionally also stops when another process exits, so that servers
 * started by {@code shoal demo} never outlive it.
 */
public final class Foreground {
  private static final Logger log = LoggerFactory.getLogger(Foreground.class);
  private static final Duration START_WAIT_AT_SHUTDOWN = Duration.ofSeconds(30);

  private Foreground() {}

  /**
   * Starts the server, prints {@code startedLine} of it to {@code out}, and blocks until the JVM
   * shuts down. Never returns normally: the JVM exits when the shutdown hook is done.
   */
  public static <T extends AutoCloseable> int run(
      Callable<T> start, Function<T, String> startedLine, Long exitWithPid, PrintWriter out)
      throws Exception {
    AtomicReference<T> running = new AtomicReference<>();
    CountDownLatch startDone = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    // Registered before starting, so that a signal during a slow start still closes cleanly.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    startDone.await(START_WAIT_AT_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
                    T server = running.get();
                    if (server != null) {
                      server.close();
                    }
                  } catch (Exception e) {
                    log.error("shutdown failed", e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "shoal-shutdown"));
    try {
      running.set(start.call());
    } finally {
      startDone.countDown();
    }
    out.println(startedLine.apply(running.get()));
    out.flush();
    if (exitWithPid != null) {
      exitWith(exitWithPid);
    }
    stopped.await();
    return 0;
  }

  private static void exitWith(long pid) {
    Optional<ProcessHandle> watched = ProcessHandle.of(pid);
    if (watched.isEmpty()) {
      log.info("watched process is gone, stopping pid={}", pid);
      System.exit(0);
    }
    watched
        .get()
        .onExit()
        .thenRun(
            () -> {
              log.info("watched process exited, stopping pid={}", pid);
              System.exit(0);
            });
  }
}
