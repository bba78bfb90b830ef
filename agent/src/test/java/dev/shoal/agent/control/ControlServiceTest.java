package dev.shoal.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.DiskUsage;
import dev.shoal.core.store.StoreConfig;
import dev.shoal.core.testing.Blobs;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.proto.control.v1.ControlGrpc;
import dev.shoal.proto.control.v1.EvictRequest;
import dev.shoal.proto.control.v1.EvictResponse;
import dev.shoal.proto.control.v1.ListBlobsRequest;
import dev.shoal.proto.control.v1.PinRequest;
import dev.shoal.proto.control.v1.PullRequest;
import dev.shoal.proto.control.v1.StatusRequest;
import dev.shoal.proto.control.v1.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API over an in-process gRPC server and a real store on disk. */
class ControlServiceTest {
  private static final String TYPE = "application/vnd.oci.image.layer.v1.tar";
  private static final long KB = 1024;

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(20_000);
  private ContentStore store;
  private Server server;
  private ManagedChannel channel;
  private ControlGrpc.ControlBlockingStub stub;

  /** Bytes that other programs use on the fake disk. */
  private volatile long othersUsed;

  /** A 1 MiB disk that the store and "others" write to. */
  private final DiskUsage disk =
      new DiskUsage() {
        @Override
        public long totalBytes() {
          return 1024 * KB;
        }

        @Override
        public long usableBytes() {
          return 1024 * KB - othersUsed - store.stats().completeBytes();
        }
      };

  @BeforeEach
  void start() throws Exception {
    store = ContentStore.open(StoreConfig.defaults(dir).withWatermarks(0.9, 0.85), clock, disk);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                new ControlService(store, URI.create("http://127.0.0.1:5050"), clock.instant()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    stub = ControlGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    store.close();
  }

  private Digest put(int seed, long size) throws Exception {
    byte[] b = Blobs.random(seed, (int) size);
    Digest d = Digest.sha256Of(b);
    store.put(d, new ByteArrayInputStream(b), b.length, TYPE);
    clock.advance(Duration.ofMinutes(1));
    return d;
  }

  @Test
  void status_reportsStoreLimitsAndDisk() throws Exception {
    put(1, 30 * KB);
    clock.advance(Duration.ofHours(2));

    StatusResponse s = stub.status(StatusRequest.getDefaultInstance());

    assertThat(s.getMirrorUrl()).isEqualTo("http://127.0.0.1:5050");
    assertThat(s.getDataDir()).isEqualTo(dir.toString());
    assertThat(s.getStore().getCompleteBlobs()).isEqualTo(1);
    assertThat(s.getStore().getCompleteBytes()).isEqualTo(30 * KB);
    assertThat(s.getStore().getMaxBytes()).isZero();
    assertThat(s.getStore().getHighWatermark()).isEqualTo(0.9);
    assertThat(s.getStore().getDiskTotalBytes()).isEqualTo(1024 * KB);
    assertThat(s.getStore().getDiskUsableBytes()).isEqualTo(994 * KB);
  }

  @Test
  void listBlobs_showsPinsAndUsers() throws Exception {
    Digest a = put(1, 10 * KB);
    store.addReference(a, "container:web");
    stub.pin(PinRequest.newBuilder().setDigest(a.toString()).build());

    var blobs = stub.listBlobs(ListBlobsRequest.getDefaultInstance()).getBlobsList();

    assertThat(blobs).hasSize(1);
    assertThat(blobs.get(0).getDigest()).isEqualTo(a.toString());
    assertThat(blobs.get(0).getPinsList()).containsExactly("user");
    assertThat(blobs.get(0).getHoldersList()).containsExactly("container:web");
    assertThat(blobs.get(0).getComplete()).isTrue();
  }

  @Test
  void evict_withoutDigestsRunsEvictionByTheLimits() throws Exception {
    Digest old = put(1, 60 * KB);
    Digest recent = put(2, 60 * KB);
    assertThat(stub.evict(EvictRequest.getDefaultInstance()).getReason()).isEmpty();
    // 810 + 120 KiB used is above 90% of 1 MiB; 85% needs one blob gone, the older one.
    othersUsed = 810 * KB;

    EvictResponse r = stub.evict(EvictRequest.getDefaultInstance());

    assertThat(r.getReason()).startsWith("disk 90.8% used");
    assertThat(r.getEvictedList()).containsExactly(old.toString());
    assertThat(r.getFreedBytes()).isEqualTo(60 * KB);
    assertThat(store.contains(recent)).isTrue();
  }

  @Test
  void evict_namedDigestsRemovesThemAndRefusesPinnedOnes() throws Exception {
    Digest a = put(1, 10 * KB);
    Digest b = put(2, 10 * KB);
    stub.pin(PinRequest.newBuilder().setDigest(b.toString()).setPin("preheat").build());

    EvictResponse r = stub.evict(EvictRequest.newBuilder().addDigests(a.toString()).build());
    assertThat(r.getEvictedList()).containsExactly(a.toString());
    assertThat(store.contains(a)).isFalse();

    assertThatThrownBy(() -> stub.evict(EvictRequest.newBuilder().addDigests(b.toString()).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("pinned [preheat]");
            });
    stub.unpin(PinRequest.newBuilder().setDigest(b.toString()).setPin("preheat").build());
    assertThat(
            stub.evict(EvictRequest.newBuilder().addDigests(b.toString()).build()).getEvictedList())
        .containsExactly(b.toString());
  }

  @Test
  void badOrUnknownDigestsGetClearStatuses() {
    assertThatThrownBy(() -> stub.pin(PinRequest.newBuilder().setDigest("sha256:ABC").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("\"sha256:ABC\"");
            });
    String unknown = Digest.sha256Of(new byte[] {7}).toString();
    assertThatThrownBy(() -> stub.evict(EvictRequest.newBuilder().addDigests(unknown).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void pull_withoutARuntime_isRefusedWithWhy() {
    assertThatThrownBy(
            () ->
                stub.pull(PullRequest.newBuilder().setImage("demo/app:v1").build())
                    .forEachRemaining(p -> {}))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("started without a runtime");
            });
  }
}
