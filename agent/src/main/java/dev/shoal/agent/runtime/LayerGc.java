package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.unpack.LayerCache;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.store.BlobRemovalListener;
import dev.shoal.core.store.ContentStore;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.LayerRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes unpacked layers ({@code <data>/layers/<diffid>}) nobody needs: a layer is kept while a
 * recorded container (running, stopped or exited, until {@code rm}) lists it, or while the store
 * holds a compressed blob it was unpacked from. So a layer lives as long as its blob: the store's
 * eviction (watermarks, {@code maxBytes}, least recently used first, never a pinned or referenced
 * blob) decides for both, and a pin on an image's blobs keeps its layers too.
 *
 * <p>It looks at a layer when the store removes one of its blobs ({@link BlobRemovalListener}),
 * when a container that used it is removed, and at every layer when the agent starts (which also
 * covers a crash between a blob's eviction and its layer's removal, and layers unpacked before
 * their blobs were recorded).
 *
 * <p>A run never loses a layer under it: the run records its container, with its diff ids, before
 * it unpacks; the check and the delete here happen under the layer's lock in {@link LayerCache},
 * which the run's unpack also takes. A run whose record came too late for the check waits for the
 * lock and unpacks the layer again.
 */
final class LayerGc implements BlobRemovalListener {
  private static final Logger log = LoggerFactory.getLogger(LayerGc.class);

  private final LayerCache layers;
  private final ContainerIndex index;
  private final ContentStore store;
  private final Clock clock;

  LayerGc(LayerCache layers, ContainerIndex index, ContentStore store, Clock clock) {
    this.layers = requireNonNull(layers, "layers");
    this.index = requireNonNull(index, "index");
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The layer's directory, unpacked from {@code blob} (at {@code file}) if needed, with the blob
   * recorded as one it came from; under the layer's lock, so no collection runs between the two.
   *
   * @throws dev.shoal.agent.unpack.LayerRejectedException as {@link LayerCache#unpack}
   */
  Path unpack(Digest diffId, Descriptor blob, Path file) throws IOException {
    String digest = blob.digest().toString();
    return layers.locked(
        diffId,
        () -> {
          Path dir = layers.unpack(diffId, blob.mediaType(), file);
          LayerRecord r = index.layer(diffId).orElse(null);
          if (r == null) {
            r =
                LayerRecord.newBuilder()
                    .addBlobs(digest)
                    .setBytes(layers.bytes(diffId))
                    .setUnpackedMillis(clock.millis())
                    .build();
            index.putLayer(diffId, r);
          } else if (!r.getBlobsList().contains(digest)) {
            index.putLayer(diffId, r.toBuilder().addBlobs(digest).build());
          }
          return dir;
        });
  }

  /** Removes the layers unpacked from {@code digest} that nothing else keeps. */
  @Override
  public void removed(Digest digest) {
    try {
      String blob = digest.toString();
      for (Map.Entry<Digest, LayerRecord> e : index.layers().entrySet()) {
        if (e.getValue().getBlobsList().contains(blob)) {
          collect(e.getKey());
        }
      }
    } catch (IOException e) {
      // The blob is gone regardless; the next start of the agent sweeps what is left.
      log.warn("removing the layers of an evicted blob failed digest={}: {}", digest, e.toString());
    }
  }

  /** Looks at every layer on disk and in the index; returns how many were removed. */
  int sweep() throws IOException {
    Set<Digest> all = new LinkedHashSet<>(layers.list());
    all.addAll(index.layers().keySet());
    int removed = 0;
    for (Digest d : all) {
      if (collect(d)) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes the layer (directory and record) unless something keeps it; true if it went. */
  boolean collect(Digest diffId) throws IOException {
    return layers.locked(
        diffId,
        () -> {
          boolean present = layers.contains(diffId);
          // Without a directory the record only holds stale numbers: drop it whoever keeps it.
          if (!present) {
            index.deleteLayer(diffId);
            return false;
          }
          String keeper = keeper(diffId);
          if (keeper != null) {
            log.debug("layer kept layer={} by={}", diffId.shortHex(), keeper);
            return false;
          }
          // Directory first: a crash between leaves a record without a directory, which the
          // next sweep drops, rather than a directory nobody knows the blobs of.
          layers.delete(diffId);
          index.deleteLayer(diffId);
          log.info("unused layer removed layer={}", diffId);
          return true;
        });
  }

  /** What keeps the layer: a container or a blob, or null when nothing does. */
  private String keeper(Digest diffId) throws IOException {
    String id = diffId.toString();
    for (ContainerRecord c : index.all()) {
      if (c.getLayersList().contains(id)) {
        return Containers.holder(c.getId());
      }
    }
    List<String> blobs =
        index.layer(diffId).<List<String>>map(LayerRecord::getBlobsList).orElse(List.of());
    for (String b : blobs) {
      if (store.contains(Digest.parse(b))) {
        return "blob " + b;
      }
    }
    return null;
  }

  /** Layers unpacked now, as recorded. */
  LayerUsage usage() throws IOException {
    long count = 0;
    long bytes = 0;
    for (LayerRecord r : index.layers().values()) {
      count++;
      bytes += r.getBytes();
    }
    return new LayerUsage(count, bytes);
  }
}
