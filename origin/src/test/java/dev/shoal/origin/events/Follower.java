package dev.shoal.origin.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.proto.events.v1.Event;
import dev.shoal.proto.events.v1.EventsGrpc;
import dev.shoal.proto.events.v1.SubscribeRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test subscriber to the event stream that queues what it receives. */
final class Follower implements ClientResponseObserver<SubscribeRequest, Event> {
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private final boolean manual;
  private volatile ClientCallStreamObserver<SubscribeRequest> call;

  private Follower(boolean manual) {
    this.manual = manual;
  }

  /** Subscribes with automatic flow control. */
  static Follower subscribe(Channel channel, long after, String... prefixes) {
    return subscribe(channel, false, after, prefixes);
  }

  /** Subscribes receiving one event, then one more per {@link #request}. */
  static Follower subscribeSlowly(Channel channel, long after) {
    return subscribe(channel, true, after);
  }

  private static Follower subscribe(
      Channel channel, boolean manual, long after, String... prefixes) {
    Follower f = new Follower(manual);
    EventsGrpc.newStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .subscribe(
            SubscribeRequest.newBuilder()
                .setAfterCursor(after)
                .addAllRepositoryPrefixes(List.of(prefixes))
                .build(),
            f);
    return f;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
    call = requestStream;
    if (manual) {
      requestStream.disableAutoRequestWithInitial(1);
    }
  }

  @Override
  public void onNext(Event value) {
    events.add(value);
  }

  @Override
  public void onError(Throwable t) {
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }

  /** The next event, failing when none arrives within 10 s. */
  Event next() throws InterruptedException {
    Event e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10 s (stream end: %s)", end.getNow(null)).isNotNull();
    return e;
  }

  List<Event> next(int n) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  void request(int n) {
    call.request(n);
  }

  void cancel() {
    call.cancel("the test is done with it", null);
  }

  /** How the stream ended, waiting at most 10 s. */
  Status end() throws Exception {
    return end.get(10, TimeUnit.SECONDS);
  }
}
