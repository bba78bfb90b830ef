package dev.shoal.origin.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.origin.meta.ManifestMeta;
import dev.shoal.origin.meta.RocksRegistryMetadata;
import dev.shoal.proto.events.v1.Event;
import dev.shoal.proto.events.v1.EventType;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream over an in-process gRPC server and a real metadata store on disk. */
class EventServiceTest {
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(100);
  private final Digest config = digest("config");
  private final Digest layer = digest("layer");
  private RocksRegistryMetadata meta;
  private EventService service;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    meta = RocksRegistryMetadata.open(dir, clock);
    service = new EventService(meta);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.close();
    meta.close();
  }

  private static Digest digest(String s) {
    return Digest.sha256Of(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Links the blobs of image {@code name} to {@code repo} (no event) and returns its manifest. */
  private ManifestMeta image(String repo, String name) throws Exception {
    meta.linkBlob(repo, config, 10);
    meta.linkBlob(repo, layer, 100);
    return new ManifestMeta(
        digest(name), MANIFEST_TYPE, 500, List.of(config, layer), null, null, Map.of(), 0);
  }

  /** Appends {@code n} PUSHED events: tags {@code t<from>}... pointed at one image of repo. */
  private void pushTags(String repo, int from, int n) throws Exception {
    ManifestMeta m = image(repo, repo + "-image");
    for (int i = from; i < from + n; i++) {
      meta.putManifest(repo, m, "t" + i);
    }
  }

  private static List<Long> cursors(List<Event> events) {
    return events.stream().map(Event::getCursor).toList();
  }

  private static List<Long> range(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  @Test
  void replaysTheLog_fromTheStart_andAfterACursor() throws Exception {
    ManifestMeta m = image("team/app", "v1");
    meta.putManifest("team/app", m, "1.0");
    clock.advance(Duration.ofSeconds(1));
    meta.putManifest("team/app", m, "latest");
    meta.deleteManifest("team/app", m.digest());

    List<Event> all = Follower.subscribe(channel, 0).next(3);
    assertThat(all.get(0))
        .isEqualTo(
            Event.newBuilder()
                .setCursor(1)
                .setType(EventType.EVENT_TYPE_PUSHED)
                .setRepository("team/app")
                .setDigest(m.digest().toString())
                .setTag("1.0")
                .setTimeMillis(clock.millis() - 1000)
                .build());
    assertThat(all.get(1).getTag()).isEqualTo("latest");
    assertThat(all.get(2))
        .isEqualTo(
            Event.newBuilder()
                .setCursor(3)
                .setType(EventType.EVENT_TYPE_DELETED)
                .setRepository("team/app")
                .setDigest(m.digest().toString())
                .setTimeMillis(clock.millis())
                .build());

    assertThat(Follower.subscribe(channel, 2).next()).isEqualTo(all.get(2));
  }

  @Test
  void followsLiveEventsAfterTheReplay_withoutGapOrDuplicate() throws Exception {
    pushTags("app", 0, EventService.PAGE_SIZE + 200);
    Follower f = Follower.subscribe(channel, 0);
    // Writes race the replay: some land before it reaches them, some after it caught up.
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                pushTags("app", 1000, 300);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    List<Event> got = f.next(EventService.PAGE_SIZE + 500);
    writer.get(30, TimeUnit.SECONDS);
    assertThat(cursors(got)).isEqualTo(range(1, EventService.PAGE_SIZE + 500));

    pushTags("app", 2000, 1);
    assertThat(f.next().getCursor()).isEqualTo(EventService.PAGE_SIZE + 501);
  }

  @Test
  void resumingFromTheLastCursorSeen_losesNothing() throws Exception {
    pushTags("app", 0, 100);
    Follower first = Follower.subscribe(channel, 0);
    List<Event> seen = first.next(40);
    first.cancel();
    await().atMost(WAIT).until(() -> service.subscribers() == 0);
    pushTags("app", 100, 100); // while nobody listens

    long last = seen.get(seen.size() - 1).getCursor();
    Follower again = Follower.subscribe(channel, last);
    assertThat(cursors(again.next(160))).isEqualTo(range(41, 200));
  }

  @Test
  void sendsOnlyRepositoriesUnderTheRequestedPrefixes() throws Exception {
    pushTags("team/a", 0, 2); // 1, 2
    pushTags("other/x", 0, 1); // 3
    pushTags("teams", 0, 1); // 4: not under "team/"
    pushTags("team/b", 0, 1); // 5

    Follower team = Follower.subscribe(channel, 0, "team/");
    Follower some = Follower.subscribe(channel, 0, "other/", "team/b");
    assertThat(cursors(team.next(3))).containsExactly(1L, 2L, 5L);
    assertThat(cursors(some.next(2))).containsExactly(3L, 5L);

    pushTags("other/x", 1, 1); // 6
    pushTags("team/a", 2, 1); // 7
    Event e = team.next();
    assertThat(e.getCursor()).isEqualTo(7);
    assertThat(e.getRepository()).isEqualTo("team/a");
    assertThat(some.next().getCursor()).isEqualTo(6);
  }

  @Test
  void aSlowSubscriber_pausesTheServerInsteadOfBuffering_andGetsEveryEventInOrder()
      throws Exception {
    int n = 2000;
    pushTags("app", 0, n);
    Follower slow = Follower.subscribeSlowly(channel, 0);

    for (int k = 1; k <= n; k++) {
      assertThat(slow.next().getCursor()).isEqualTo(k);
      // It asked for k events so far: a server that sent more would be queueing them for it.
      assertThat(service.sent()).as("sent after %s received", k).isLessThanOrEqualTo(k);
      slow.request(1);
    }
    assertThat(service.maxHeld()).isLessThanOrEqualTo(EventService.PAGE_SIZE);

    pushTags("app", n, 1);
    assertThat(slow.next().getCursor()).isEqualTo(n + 1);
  }

  @Test
  void cancelledSubscriptions_areForgotten() throws Exception {
    pushTags("app", 0, EventService.PAGE_SIZE + 100);
    Follower following = Follower.subscribe(channel, EventService.PAGE_SIZE + 100);
    Follower paused = Follower.subscribeSlowly(channel, 0);
    assertThat(paused.next().getCursor()).isEqualTo(1);
    await().atMost(WAIT).until(() -> service.subscribers() == 2);

    following.cancel();
    paused.cancel();
    await().atMost(WAIT).until(() -> service.subscribers() == 0);
    assertThat(following.end().getCode()).isEqualTo(Status.Code.CANCELLED);

    pushTags("app", 1000, 1); // wakes nobody, fails nothing
    assertThat(meta.events(EventService.PAGE_SIZE + 100, 10)).hasSize(1);
    assertThat(Follower.subscribe(channel, EventService.PAGE_SIZE + 100).next().getCursor())
        .isEqualTo(EventService.PAGE_SIZE + 101);
  }

  @Test
  void refusesACursorAboveTheLargestLong() throws Exception {
    Follower f = Follower.subscribe(channel, -1); // uint64 2^64-1
    Status s = f.end();
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("after_cursor: 18446744073709551615");
    assertThat(service.subscribers()).isZero();
  }

  @Test
  void close_endsSubscriptionsWithUnavailable() throws Exception {
    Follower f = Follower.subscribe(channel, 0);
    await().atMost(WAIT).until(() -> service.subscribers() == 1);
    service.close();
    assertThat(f.end().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(service.subscribers()).isZero();
    assertThat(Follower.subscribe(channel, 0).end().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
