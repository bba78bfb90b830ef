package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.unpack.LayerCache;
import dev.shoal.agent.unpack.UnpackLimits;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import dev.shoal.core.store.StoreConfig;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.LayerRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real directories, a real store and a real container index in a temp dir. */
class LayerGcTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC);

  @TempDir Path dir;
  private ContentStore store;
  private ContainerIndex index;
  private LayerCache cache;
  private LayerGc gc;
  private byte[] tar;
  private Digest diffId;

  @BeforeEach
  void open() throws IOException {
    store =
        ContentStore.open(StoreConfig.defaults(dir.resolve("store")).withEviction(false), CLOCK);
    index = ContainerIndex.open(dir.resolve("index"));
    cache = new LayerCache(dir.resolve("layers"), UnpackLimits.defaults());
    gc = new LayerGc(cache, index, store, CLOCK);
    store.addRemovalListener(gc);
    tar = tar("hello", "hi there\n");
    diffId = Digest.sha256Of(tar);
  }

  @AfterEach
  void close() {
    index.close();
    store.close();
  }

  @Test
  void unpack_recordsTheBlobItCameFromAndItsSize() throws IOException {
    Descriptor blob = put(gzip(tar), MediaTypes.OCI_LAYER_TAR_GZIP);

    Path layer = unpack(blob);

    assertThat(layer.resolve("hello")).hasContent("hi there");
    LayerRecord r = index.layer(diffId).orElseThrow();
    assertThat(r.getBlobsList()).containsExactly(blob.digest().toString());
    assertThat(r.getBytes()).isEqualTo(9);
    assertThat(r.getUnpackedMillis()).isEqualTo(1_000);
    assertThat(gc.usage()).isEqualTo(new LayerUsage(1, 9));
  }

  @Test
  void removingTheBlob_removesItsUnusedLayer() throws IOException {
    Descriptor blob = put(gzip(tar), MediaTypes.OCI_LAYER_TAR_GZIP);
    Path layer = unpack(blob);

    assertThat(gc.sweep()).as("its blob is held").isZero();
    assertThat(layer).isDirectory();
    store.delete(blob.digest());

    assertThat(layer).doesNotExist();
    assertThat(index.layer(diffId)).isEmpty();
    assertThat(gc.usage()).isEqualTo(new LayerUsage(0, 0));
  }

  @Test
  void aLayerStays_whileAnyBlobItCameFromIsHeld() throws IOException {
    Descriptor gzipped = put(gzip(tar), MediaTypes.OCI_LAYER_TAR_GZIP);
    Descriptor plain = put(tar, MediaTypes.OCI_LAYER_TAR);
    Path layer = unpack(gzipped);
    unpack(plain);
    assertThat(index.layer(diffId).orElseThrow().getBlobsCount()).isEqualTo(2);

    store.delete(gzipped.digest());
    assertThat(layer).isDirectory();

    store.delete(plain.digest());
    assertThat(layer).doesNotExist();
  }

  @Test
  void aLayerAContainerUses_survivesItsBlobsRemoval_untilTheContainerGoes() throws IOException {
    Descriptor blob = put(gzip(tar), MediaTypes.OCI_LAYER_TAR_GZIP);
    index.put(container("c1"));
    Path layer = unpack(blob);

    store.delete(blob.digest());
    assertThat(gc.sweep()).isZero();
    assertThat(layer).isDirectory();

    index.delete("c1");
    assertThat(gc.collect(diffId)).isTrue();
    assertThat(layer).doesNotExist();
  }

  @Test
  void sweep_removesUnknownUnusedDirectories_andRecordsWithoutDirectories() throws IOException {
    Digest orphan = Digest.sha256Of("orphan".getBytes(StandardCharsets.UTF_8));
    Path orphanDir = Files.createDirectories(cache.pathOf(orphan).resolve("etc"));
    Digest gone = Digest.sha256Of("gone".getBytes(StandardCharsets.UTF_8));
    index.putLayer(gone, LayerRecord.newBuilder().addBlobs(diffId.toString()).setBytes(7).build());
    Path notALayer = Files.createDirectories(dir.resolve("layers").resolve("lost+found"));

    assertThat(gc.sweep()).isEqualTo(1);

    assertThat(orphanDir.getParent()).doesNotExist();
    assertThat(index.layers()).isEmpty();
    assertThat(notALayer).as("not named like a layer: left alone").isDirectory();
  }

  @Test
  void aCollectionWaitsForARunHoldingTheLayer_andThenSeesItsContainer() throws Exception {
    Descriptor blob = put(gzip(tar), MediaTypes.OCI_LAYER_TAR_GZIP);
    Path layer = unpack(blob);
    store.removeRemovalListener(gc);
    store.delete(blob.digest()); // now only a container can keep the layer

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch locked = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // A run holds the layer's lock, as its unpack does, and records its container meanwhile.
      Future<?> run =
          pool.submit(
              () ->
                  cache.locked(
                      diffId,
                      () -> {
                        locked.countDown();
                        await(release);
                        index.put(container("late"));
                        return null;
                      }));
      assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
      Thread[] collector = new Thread[1];
      Future<Boolean> collected =
          pool.submit(
              () -> {
                collector[0] = Thread.currentThread();
                return gc.collect(diffId);
              });
      while (collector[0] == null || collector[0].getState() != Thread.State.BLOCKED) {
        assertThat(collected.isDone()).as("collect must wait for the lock").isFalse();
        Thread.onSpinWait();
      }
      release.countDown();
      run.get(10, TimeUnit.SECONDS);
      assertThat(collected.get(10, TimeUnit.SECONDS)).isFalse();
    } finally {
      pool.shutdownNow();
    }

    assertThat(layer).as("the container recorded under the lock keeps it").isDirectory();
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }

  private Path unpack(Descriptor blob) throws IOException {
    try (BlobRange r = store.openRange(blob.digest(), 0, -1)) {
      return gc.unpack(diffId, blob, r.path());
    }
  }

  private ContainerRecord container(String id) {
    return ContainerRecord.newBuilder().setId(id).setName(id).addLayers(diffId.toString()).build();
  }

  private Descriptor put(byte[] bytes, String mediaType) throws IOException {
    Descriptor d = Descriptor.of(mediaType, bytes);
    store.put(d.digest(), new ByteArrayInputStream(bytes), bytes.length, mediaType);
    return d;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /** A POSIX ustar archive of one regular file, mode 0644, owned by root. */
  static byte[] tar(String name, String content) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    byte[] header = new byte[512];
    field(header, 0, name, 100);
    field(header, 100, "0000644", 8);
    field(header, 108, "0000000", 8);
    field(header, 116, "0000000", 8);
    field(header, 124, String.format("%011o", data.length), 12);
    field(header, 136, "00000000000", 12);
    header[156] = '0';
    field(header, 257, "ustar", 6);
    header[263] = '0';
    header[264] = '0';
    java.util.Arrays.fill(header, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    field(header, 148, String.format("%06o", sum), 7);
    int padded = (data.length + 511) / 512 * 512;
    byte[] out = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, out, 0, 512);
    System.arraycopy(data, 0, out, 512, data.length);
    return out;
  }

  private static void field(byte[] header, int offset, String value, int length) {
    byte[] b = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, header, offset, Math.min(b.length, length));
  }
}
