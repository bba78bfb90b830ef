package dev.shoal.origin.events;

import static java.util.Objects.requireNonNull;

import dev.shoal.origin.meta.RegistryEvent;
import dev.shoal.origin.meta.RocksRegistryMetadata;
import dev.shoal.proto.events.v1.Event;
import dev.shoal.proto.events.v1.EventType;
import dev.shoal.proto.events.v1.EventsGrpc;
import dev.shoal.proto.events.v1.SubscribeRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's event stream ({@code shoal.events.v1.Events}, DESIGN.md "Origin events"): replays
 * the log after the subscriber's cursor, then follows new events.
 *
 * <p>The log in the metadata store is the only buffer. Each subscription holds at most one page of
 * events read from it and sends only while its call is ready; a slow subscriber is paused and reads
 * on from the store when it is ready again. One listener on the store wakes every subscription
 * after a write that appended events. Sending runs on the service's own threads, never on a
 * writer's or gRPC's, and one subscription is drained by one thread at a time.
 */
public final class EventService extends EventsGrpc.EventsImplBase implements AutoCloseable {
  /** Events read from the store at once, and so the most a subscription holds. */
  static final int PAGE_SIZE = 500;

  private static final Logger log = LoggerFactory.getLogger(EventService.class);
  private static final int THREADS = 4;

  private final RocksRegistryMetadata metadata;
  private final ExecutorService executor;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Runnable removeListener;
  private volatile boolean closed;

  // What the service did, across subscriptions: for metrics and tests.
  private final AtomicLong sent = new AtomicLong();
  private final AtomicInteger maxHeld = new AtomicInteger();

  /** Serves the event log of {@code metadata}; {@link #close} before closing the metadata. */
  public EventService(RocksRegistryMetadata metadata) {
    this.metadata = requireNonNull(metadata, "metadata");
    this.executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
    this.removeListener = metadata.onEvents(cursor -> subscriptions.forEach(Subscription::wake));
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<Event> responseObserver) {
    ServerCallStreamObserver<Event> call = (ServerCallStreamObserver<Event>) responseObserver;
    long after = request.getAfterCursor();
    if (after < 0) {
      call.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "after_cursor: " + Long.toUnsignedString(after) + " (expected: <= 2^63-1)")
              .asException());
      return;
    }
    if (closed) {
      call.onError(shuttingDown());
      return;
    }
    Subscription s =
        new Subscription(call, after, List.copyOf(request.getRepositoryPrefixesList()));
    subscriptions.add(s);
    call.setOnCancelHandler(s::cancel);
    call.setOnReadyHandler(s::wake);
    s.wake();
  }

  /** Subscriptions being served. */
  public int subscribers() {
    return subscriptions.size();
  }

  /** Events handed to gRPC so far. */
  public long sent() {
    return sent.get();
  }

  /** The most events one subscription held in memory at once, read and not yet sent. */
  int maxHeld() {
    return maxHeld.get();
  }

  /**
   * Ends every subscription with UNAVAILABLE (subscribers resume from their last cursor elsewhere
   * or later), stops following the store and waits a bounded time for the sending threads.
   */
  @Override
  public void close() {
    closed = true;
    removeListener.run();
    subscriptions.forEach(Subscription::wake);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static Exception shuttingDown() {
    return Status.UNAVAILABLE
        .withDescription("the origin is shutting down; resume from the last cursor received")
        .asException();
  }

  static Event toProto(RegistryEvent e) {
    return Event.newBuilder()
        .setCursor(e.cursor())
        .setType(
            switch (e.type()) {
              case PUSHED -> EventType.EVENT_TYPE_PUSHED;
              case DELETED -> EventType.EVENT_TYPE_DELETED;
            })
        .setRepository(e.repository())
        .setDigest(e.digest().toString())
        .setTag(e.tag() == null ? "" : e.tag())
        .setTimeMillis(e.atMillis())
        .build();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "shoal-events-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One subscriber's call: where it is in the log and the page it has read and not yet sent. */
  private final class Subscription {
    private final ServerCallStreamObserver<Event> call;
    private final List<String> prefixes;
    private final AtomicInteger wakeups = new AtomicInteger();
    private volatile boolean cancelled;
    // Touched only by the thread draining this subscription.
    private long readCursor;
    private final ArrayDeque<RegistryEvent> held = new ArrayDeque<>();
    private boolean finished;

    Subscription(ServerCallStreamObserver<Event> call, long after, List<String> prefixes) {
      this.call = call;
      this.readCursor = after;
      this.prefixes = prefixes;
    }

    /** The client went away (cancelled, deadline, broken connection). */
    void cancel() {
      cancelled = true;
      subscriptions.remove(this);
      wake();
    }

    /**
     * Schedules a drain unless one is scheduled or running; that one then runs once more, so no
     * wake-up is lost between its last look at the store and its end.
     */
    void wake() {
      if (wakeups.getAndIncrement() == 0) {
        schedule();
      }
    }

    private void schedule() {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // Only after close(), when this drain gave up its turn just as the executor stopped: end
        // the call here, or it would stay open until the server's forced shutdown.
        finish();
      }
    }

    private void drain() {
      int missed = 1;
      while (true) {
        if (step()) {
          // One page per turn, so a subscriber far behind does not starve the others; the next
          // turn owns the pending wake-ups.
          schedule();
          return;
        }
        missed = wakeups.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /** Sends while the call is ready; true when it stopped only to give up its turn. */
    private boolean step() {
      if (finished) {
        return false;
      }
      if (cancelled || closed) {
        finish();
        return false;
      }
      boolean read = false;
      try {
        while (call.isReady()) {
          RegistryEvent e = held.poll();
          if (e == null) {
            if (read) {
              return true;
            }
            read = true;
            if (!readPage()) {
              return false;
            }
            continue;
          }
          call.onNext(toProto(e));
          sent.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        log.warn("event stream failed cursor={}", readCursor, e);
        finished = true;
        held.clear();
        subscriptions.remove(this);
        call.onError(Status.INTERNAL.withDescription("reading the event log: " + e).asException());
      }
      return false;
    }

    /** Reads the next page after {@code readCursor}; false when the log has no more. */
    private boolean readPage() throws IOException {
      List<RegistryEvent> page = metadata.events(readCursor, PAGE_SIZE);
      if (page.isEmpty()) {
        return false;
      }
      readCursor = page.get(page.size() - 1).cursor();
      for (RegistryEvent e : page) {
        if (matches(e.repository())) {
          held.add(e);
        }
      }
      maxHeld.accumulateAndGet(held.size(), Math::max);
      return true;
    }

    private boolean matches(String repository) {
      if (prefixes.isEmpty()) {
        return true;
      }
      for (String p : prefixes) {
        if (repository.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    private void finish() {
      finished = true;
      held.clear();
      subscriptions.remove(this);
      if (!cancelled) {
        call.onError(shuttingDown());
      }
    }
  }
}
