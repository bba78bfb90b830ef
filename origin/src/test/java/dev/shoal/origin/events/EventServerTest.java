package dev.shoal.origin.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.HostPort;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.origin.meta.ManifestMeta;
import dev.shoal.origin.meta.RocksRegistryMetadata;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream over real TCP. */
class EventServerTest {
  @TempDir Path dir;
  private RocksRegistryMetadata meta;
  private ManagedChannel channel;

  @BeforeEach
  void open() throws Exception {
    meta = RocksRegistryMetadata.open(dir, MutableClock.atEpochPlusDays(100));
  }

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    meta.close();
  }

  @Test
  void servesOnAFreePort_andCloseEndsOpenSubscriptionsPromptly() throws Exception {
    EventServer server = EventServer.start(new HostPort("127.0.0.1", 0), new EventService(meta));
    try {
      assertThat(server.address().host()).isEqualTo("127.0.0.1");
      assertThat(server.address().port()).isPositive();
      channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.address().port())
              .usePlaintext()
              .build();
      Follower f = Follower.subscribe(channel, 0);

      Digest config = Digest.sha256Of("config".getBytes(StandardCharsets.UTF_8));
      meta.linkBlob("app", config, 10);
      Digest image = Digest.sha256Of("image".getBytes(StandardCharsets.UTF_8));
      meta.putManifest(
          "app",
          new ManifestMeta(
              image,
              "application/vnd.oci.image.manifest.v1+json",
              300,
              List.of(config),
              null,
              null,
              Map.of(),
              0),
          "1.0");
      assertThat(f.next().getDigest()).isEqualTo(image.toString());

      server.close();
      // Ended by the service with its own word (resume from the last cursor), not by the server's
      // forced shutdown after its grace period.
      Status end = f.end();
      assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(end.getDescription()).contains("shutting down");
    } finally {
      server.close();
    }
  }

  @Test
  void start_namesTheAddressItCannotBind() throws Exception {
    try (EventServer first =
        EventServer.start(new HostPort("127.0.0.1", 0), new EventService(meta))) {
      HostPort taken = first.address();
      assertThatThrownBy(() -> EventServer.start(taken, new EventService(meta)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot listen on " + taken);
    }
  }
}
