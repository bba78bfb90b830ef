package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.runtime.ContainerException.Kind;
import dev.shoal.agent.unpack.LayerCache;
import dev.shoal.agent.unpack.RootFs;
import dev.shoal.agent.unpack.UnpackLimits;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.files.FileTrees;
import dev.shoal.core.oci.HostPlatform;
import dev.shoal.core.store.BlobNotFoundException;
import dev.shoal.core.store.ContentStore;
import dev.shoal.proto.index.v1.ContainerRecord;
import dev.shoal.proto.index.v1.ContainerState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers of {@code shoal run}: pulled through the agent's mirror, run with runc, recorded
 * in the container index, their blobs referenced in the store ({@code container:<id>}) so that
 * eviction leaves them alone until {@code rm}. Unpacked layers stay in {@code <data>/layers} after
 * {@code rm}, for the next run of the image, until the store evicts their blobs ({@link LayerGc}).
 *
 * <p>A container outlives the agent: on {@link #open} a container recorded as running is adopted
 * when runc still runs it, marked exited when its exit file says so, else marked unknown. A
 * container's steps (stop, remove) are serialised per container; runs of different containers go in
 * parallel.
 */
public final class Containers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Containers.class);
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final RuntimeConfig config;
  private final ContentStore store;
  private final ContainerIndex index;
  private final ImagePuller puller;
  private final ImageFill images;
  private final Bundles bundles;
  private final LayerGc layers;
  private final Runc runc;
  private final Lifecycle lifecycle;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, RootFs> mounted = new ConcurrentHashMap<>();

  /** One stop or remove of a container at a time. */
  private final Map<String, Object> steps = new ConcurrentHashMap<>();

  private Containers(
      RuntimeConfig config,
      ContentStore store,
      ContainerIndex index,
      ImagePuller puller,
      ImageFill images,
      Runc runc,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.index = index;
    this.puller = puller;
    this.images = images;
    this.runc = runc;
    this.clock = clock;
    this.layers =
        new LayerGc(
            new LayerCache(config.layersDir(), UnpackLimits.defaults()), index, store, clock);
    this.bundles = new Bundles(config, store, layers);
    this.lifecycle = new Lifecycle(index, runc, config, clock);
  }

  /**
   * Opens the container index and takes over the containers of an earlier run of the agent.
   *
   * @param mirror the agent's own mirror, which images are pulled through
   */
  public static Containers open(
      RuntimeConfig config, ContentStore store, BlobFetches fetches, URI mirror, Clock clock)
      throws IOException {
    requireNonNull(config, "config");
    Files.createDirectories(config.containersDir());
    ContainerIndex index = ContainerIndex.open(config.indexDir());
    try {
      ImagePuller puller = new ImagePuller(mirror, store, fetches, HostPlatform.current());
      Containers c =
          new Containers(
              config,
              store,
              index,
              puller,
              new ImageFill(puller, fetches),
              new Runc(config.runc(), config.runcRoot()),
              clock);
      c.lifecycle.recover();
      try {
        int removed = c.layers.sweep();
        if (removed > 0) {
          log.info("unused layers removed at start count={}", removed);
        }
      } catch (IOException e) {
        // Garbage left on disk is no reason to refuse containers; removal and eviction retry.
        log.warn("removing unused layers at start failed: {}", e.toString());
      }
      store.addRemovalListener(c.layers);
      return c;
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /** Pulls images into the store without running them ({@code shoal pull}). */
  public ImageFill images() {
    return images;
  }

  /**
   * Pulls the image, prepares the bundle and starts the container; answers once runc started.
   * Whatever failed is undone: no record, no bundle, no mount, no reference is left behind.
   */
  public ContainerRecord run(RunSpec spec) throws IOException {
    requireNonNull(spec, "spec");
    for (BindMount m : spec.mounts()) {
      m.check();
    }
    OciSpec.env(List.of(), spec.env(), "/", "x"); // rejects a bad -e before any pull
    String id = HexFormat.of().formatHex(bytes());
    String name = spec.name().isEmpty() ? id.substring(0, 12) : spec.name();
    if (!NAME.matcher(name).matches()) {
      throw new ContainerException(
          Kind.INVALID,
          "--name "
              + name
              + " (expected: letters, digits, '_', '.' or '-', at most 64, not starting with a sign)");
    }
    ContainerRecord.Builder rec =
        ContainerRecord.newBuilder()
            .setId(id)
            .setName(name)
            .setImage(spec.image())
            .setState(ContainerState.CONTAINER_STATE_CREATED)
            .setCreatedMillis(clock.millis())
            .setSeccomp(spec.seccomp().label());
    synchronized (this) {
      for (ContainerRecord r : index.all()) {
        if (r.getName().equals(name)) {
          throw new ContainerException(
              Kind.CONFLICT,
              "the name "
                  + name
                  + " is in use by container "
                  + r.getId().substring(0, 12)
                  + ": remove it (shoal rm "
                  + name
                  + ") or pick another --name");
        }
      }
      index.put(rec.build());
    }
    String holder = holder(id);
    List<Digest> held = new ArrayList<>();
    RootFs rootfs = null;
    try {
      PulledImage image = puller.pull(spec.image(), holder, held);
      rec.setManifestDigest(image.manifestDigest().toString())
          .setConfigDigest(image.config().digest().toString())
          .addAllBlobs(held.stream().map(Digest::toString).toList())
          .addAllLayers(image.config().diffIds().stream().map(Digest::toString).toList());
      index.put(rec.build());
      Bundles.Prepared prepared = bundles.prepare(id, name, image, spec);
      rootfs = prepared.rootfs();
      rec.addAllArgs(prepared.args()).setOverlay(rootfs.overlay());
      mounted.put(id, rootfs);
      ContainerRecord started = lifecycle.start(rec, runc.run(id, config.bundle(id)));
      log.info(
          "container started id={} name={} image={} overlay={}",
          id,
          name,
          spec.image(),
          rootfs.overlay());
      return started;
    } catch (IOException | RuntimeException e) {
      mounted.remove(id);
      undo(id, rootfs, held, e);
      throw e;
    }
  }

  private byte[] bytes() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return b;
  }

  private void undo(String id, RootFs rootfs, List<Digest> held, Exception failure) {
    try {
      if (rootfs != null) {
        rootfs.close();
      }
      deleteBundle(id);
      release(id, held.stream().map(Digest::toString).toList());
      index.delete(id);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
      log.warn("cleanup after a failed run left things behind id={}", id, e);
    }
  }

  /** The containers, newest first; without {@code all}, only the running ones. */
  public List<ContainerRecord> list(boolean all) throws IOException {
    List<ContainerRecord> out = new ArrayList<>();
    for (ContainerRecord r : index.all()) {
      if (all || r.getState() == ContainerState.CONTAINER_STATE_RUNNING) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparingLong(ContainerRecord::getCreatedMillis).reversed());
    return out;
  }

  /**
   * The container named by a full id, a name, or an unambiguous id prefix.
   *
   * @throws ContainerException NOT_FOUND, or INVALID for an ambiguous prefix
   */
  public ContainerRecord find(String ref) throws IOException {
    requireNonNull(ref, "ref");
    List<ContainerRecord> all = index.all();
    List<ContainerRecord> byPrefix = new ArrayList<>();
    for (ContainerRecord r : all) {
      if (r.getId().equals(ref) || r.getName().equals(ref)) {
        return r;
      }
      if (!ref.isEmpty() && r.getId().startsWith(ref)) {
        byPrefix.add(r);
      }
    }
    if (byPrefix.size() == 1) {
      return byPrefix.get(0);
    }
    if (byPrefix.size() > 1) {
      throw new ContainerException(
          Kind.INVALID,
          ref + " matches " + byPrefix.size() + " containers: give more of the id, or the name");
    }
    throw new ContainerException(
        Kind.NOT_FOUND, "no container " + ref + " on this agent: list them with shoal ps -a");
  }

  /** SIGTERM, then SIGKILL after {@code timeout} (the configured one when null). */
  public ContainerRecord stop(String ref, Duration timeout) throws IOException {
    ContainerRecord r = find(ref);
    synchronized (steps.computeIfAbsent(r.getId(), k -> new Object())) {
      lifecycle.stop(r.getId(), timeout == null ? config.stopTimeout() : timeout);
    }
    return find(r.getId());
  }

  /**
   * Removes a container: runc's state, the root file system, the bundle with its logs, the record,
   * and its references on blobs (which eviction may then take).
   */
  public ContainerRecord remove(String ref, boolean force) throws IOException {
    String id = find(ref).getId();
    synchronized (steps.computeIfAbsent(id, k -> new Object())) {
      ContainerRecord r = find(id); // removed meanwhile: NOT_FOUND
      remove(r, force);
      steps.remove(id);
      return r;
    }
  }

  private void remove(ContainerRecord r, boolean force) throws IOException {
    String id = r.getId();
    if (r.getState() == ContainerState.CONTAINER_STATE_CREATED) {
      // Its run is still pulling or unpacking, and cleans up itself if it fails.
      throw new ContainerException(
          Kind.CONFLICT,
          "container " + r.getName() + " is being created: wait until it runs, then remove it");
    }
    if (lifecycle.running(id)) {
      if (!force) {
        throw new ContainerException(
            Kind.CONFLICT,
            "container "
                + r.getName()
                + " is running: stop it first (shoal stop "
                + r.getName()
                + ") or use shoal rm -f");
      }
      lifecycle.kill(id, KILL_WAIT);
    }
    runc.delete(id);
    RootFs rootfs = mounted.remove(id);
    if (rootfs != null) {
      rootfs.close();
    }
    deleteBundle(id);
    release(id, r.getBlobsList());
    index.delete(id);
    lifecycle.forget(id);
    log.info("container removed id={} name={}", id, r.getName());
    // Its layers stay while the store holds their blobs; any whose blobs went meanwhile go now.
    try {
      for (String layer : r.getLayersList()) {
        layers.collect(Digest.parse(layer));
      }
    } catch (IOException e) {
      // The container is gone, which is what rm promised; the next agent start sweeps the rest.
      log.warn("removing the unused layers of container {} failed: {}", id, e.toString());
    }
  }

  /** The container's output files, read from where the last read ended. */
  public LogCursor logs(String ref) throws IOException {
    ContainerRecord r = find(ref);
    Path bundle = config.bundle(r.getId());
    return new LogCursor(
        r.getId(), bundle.resolve(Runc.STDOUT), bundle.resolve(Runc.STDERR), lifecycle, this);
  }

  private void deleteBundle(String id) throws IOException {
    Path bundle = config.bundle(id);
    if (!Files.exists(bundle)) {
      return;
    }
    // Never delete through a mount: the overlay's lower dirs are the shared layers.
    Mounts.unmountUnder(bundle);
    FileTrees.delete(bundle);
  }

  private void release(String id, List<String> blobs) throws IOException {
    for (String b : blobs) {
      try {
        store.removeReference(Digest.parse(b), holder(id));
      } catch (BlobNotFoundException gone) {
        // Removed by hand meanwhile (shoal evict refuses it, a deleted data dir does not).
      }
    }
  }

  static String holder(String id) {
    return "container:" + id;
  }

  /** The unpacked layers, as {@code shoal status} shows them. */
  public LayerUsage layerUsage() throws IOException {
    return layers.usage();
  }

  /** Stops watching; the containers keep running and the next agent adopts them. */
  @Override
  public void close() {
    store.removeRemovalListener(layers);
    lifecycle.close();
    index.close();
  }
}
