package dev.shoal.core.store;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import dev.shoal.proto.index.v1.BlobRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's content store: blobs as files named by digest, committed atomically, indexed in
 * RocksDB. See DESIGN.md "Storage".
 *
 * <p>Every write goes temp file, hash, fsync, atomic rename, index commit; {@link #open} reconciles
 * files and index so that after a kill -9 at any instant they agree. All record changes of one
 * digest happen under that digest's lock, and every change updates the record cache in the same
 * step, so the cache never serves a record the index no longer has.
 */
public final class ContentStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContentStore.class);

  private final StoreConfig config;
  private final Clock clock;
  private final BlobPaths paths;
  private final BlobRecords records;
  private final PartialBlobs partials;
  private final StoreUsage usage;
  private final Evictor evictor;
  private final DiskUsage disk;
  private final ResolvedTags tags;
  private final List<BlobRemovalListener> removalListeners = new CopyOnWriteArrayList<>();

  private ContentStore(StoreConfig config, Clock clock, BlobIndex index, DiskUsage disk) {
    this.config = config;
    this.clock = clock;
    this.paths = new BlobPaths(config);
    this.records = new BlobRecords(index, config, clock);
    this.partials = new PartialBlobs(this);
    this.usage = new StoreUsage();
    this.evictor = new Evictor(this, config, disk);
    this.disk = disk;
    this.tags = new ResolvedTags(index);
  }

  /** Opens the store with the real file system's disk usage. */
  public static ContentStore open(StoreConfig config, Clock clock) throws IOException {
    Files.createDirectories(config.dataDir());
    return open(config, clock, DiskUsage.of(config.dataDir()));
  }

  /**
   * Opens (creating if needed) the store in {@code config.dataDir()}, reconciles files with the
   * index, and starts background eviction.
   */
  public static ContentStore open(StoreConfig config, Clock clock, DiskUsage disk)
      throws IOException {
    requireNonNull(config, "config");
    requireNonNull(clock, "clock");
    requireNonNull(disk, "disk");
    new BlobPaths(config).createDirectories();
    BlobIndex index = BlobIndex.open(config.indexDir());
    try {
      ContentStore store = new ContentStore(config, clock, index, disk);
      ReconcileReport report = new Reconciler(store.paths, index, config, clock).run();
      store.usage.reset(
          report.completeBlobs(),
          report.completeBytes(),
          report.partialBlobs(),
          report.partialBytes());
      if (report.changedAnything()) {
        log.info("store reconciled dir={} {}", config.dataDir(), report);
      }
      if (config.evict()) {
        store.evictor.start();
      }
      return store;
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  public StoreConfig config() {
    return config;
  }

  /** The file system the store lives on, as eviction sees it. */
  public DiskUsage disk() {
    return disk;
  }

  /**
   * Starts writing a blob. {@code expectedSize} is -1 when unknown. Close the writer without
   * committing to abandon it.
   */
  public BlobWriter writer(Digest digest, long expectedSize, String mediaType) throws IOException {
    requireNonNull(digest, "digest");
    return new BlobWriter(this, digest, expectedSize, mediaType, paths.newTemp(digest));
  }

  /** Writes a whole blob from a stream and commits it. */
  public BlobInfo put(Digest digest, InputStream in, long expectedSize, String mediaType)
      throws IOException {
    try (BlobWriter w = writer(digest, expectedSize, mediaType)) {
      in.transferTo(w.asOutputStream());
      return w.commit();
    }
  }

  /**
   * Takes a file written elsewhere in the data directory (an upload of the registry API) as the
   * blob {@code digest}: hashes it, and when it matches forces it to disk and moves it into place.
   * The file is consumed either way: moved when it matched, deleted when it did not.
   *
   * @throws DigestMismatchException when the file's bytes hash to another digest
   */
  public BlobInfo commitFile(Digest digest, Path file, String mediaType) throws IOException {
    requireNonNull(digest, "digest");
    try {
      long size;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        size = ch.size();
        Digest actual = Hashing.channel(ch, size, digest.algorithm());
        if (!actual.equals(digest)) {
          throw new DigestMismatchException(digest, actual, size);
        }
        ch.force(true);
      }
      return publish(digest, file, size, mediaType);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Like {@link #commitFile}, for a caller that hashed the bytes itself as it wrote them (an upload
   * streamed through a hasher): skips reading the file again. {@code hashed} is the digest of
   * exactly the {@code size} bytes in {@code file}.
   */
  public BlobInfo commitHashedFile(
      Digest digest, Path file, long size, Digest hashed, String mediaType) throws IOException {
    requireNonNull(digest, "digest");
    try {
      if (!hashed.equals(digest)) {
        throw new DigestMismatchException(digest, hashed, size);
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        if (ch.size() != size) {
          throw new IOException(
              "upload file " + file + " holds " + ch.size() + " bytes (expected: " + size + ")");
        }
        ch.force(true);
      }
      return publish(digest, file, size, mediaType);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Tags resolved at upstream registries, kept for when they are unreachable. */
  public ResolvedTags tags() {
    return tags;
  }

  /** Whether the blob is held complete. */
  public boolean contains(Digest digest) throws IOException {
    return record(digest).map(Records::isComplete).orElse(false);
  }

  public Optional<BlobInfo> info(Digest digest) throws IOException {
    Optional<BlobRecord> r = record(digest);
    return r.isEmpty()
        ? Optional.empty()
        : Optional.of(Records.info(digest, r.get(), records.lastAccess(digest)));
  }

  /** Every blob the store knows, complete and partial. */
  public List<BlobInfo> list() throws IOException {
    List<BlobInfo> out = new ArrayList<>();
    List<Digest> digests = new ArrayList<>();
    List<BlobRecord> recs = new ArrayList<>();
    records
        .index()
        .forEach(
            (d, r) -> {
              digests.add(d);
              recs.add(r);
            });
    for (int i = 0; i < digests.size(); i++) {
      out.add(Records.info(digests.get(i), recs.get(i), records.lastAccess(digests.get(i))));
    }
    return out;
  }

  /**
   * Opens bytes {@code [offset, offset + length)} of a complete blob for reading; {@code length} -1
   * means to the end. Counts as an access for eviction.
   *
   * @throws BlobNotFoundException when the blob is not held complete
   * @throws BlobQuarantinedException when it is quarantined
   */
  public BlobRange openRange(Digest digest, long offset, long length) throws IOException {
    BlobRecord r =
        record(digest)
            .filter(Records::isComplete)
            .orElseThrow(() -> new BlobNotFoundException(digest));
    if (r.hasQuarantine()) {
      throw new BlobQuarantinedException(digest, r.getQuarantine().getReason());
    }
    if (offset < 0 || offset > r.getSize() || (length >= 0 && offset + length > r.getSize())) {
      throw new IllegalArgumentException(
          "range "
              + offset
              + "+"
              + length
              + " of "
              + digest
              + " (expected: within 0.."
              + r.getSize()
              + ")");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(paths.blob(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      dropIfFileMissing(digest);
      throw new BlobNotFoundException(digest);
    }
    touch(digest);
    long count = length < 0 ? r.getSize() - offset : length;
    return new BlobRange(digest, paths.blob(digest), ch, offset, count);
  }

  /** The whole blob as a stream; for small blobs such as manifests and configs. */
  public InputStream openStream(Digest digest) throws IOException {
    BlobRange range = openRange(digest, 0, -1);
    return Channels.newInputStream(range.channel());
  }

  /**
   * Gets the download in progress of {@code digest}, resuming the pieces already on disk, or starts
   * one. See {@link PartialBlob}.
   *
   * @param pieceHashes SHA-256 of each piece, or empty when no piece table is known yet
   */
  public PartialBlob partial(
      Digest digest, long size, int pieceSize, List<byte[]> pieceHashes, String mediaType)
      throws IOException {
    return partials.open(digest, size, pieceSize, pieceHashes, mediaType);
  }

  /**
   * Removes a blob, complete or partial.
   *
   * @return false when the store did not hold it
   * @throws BlobInUseException when it is pinned or in use
   */
  public boolean delete(Digest digest) throws IOException {
    return remove(digest, false);
  }

  public void pin(Digest digest, String pin) throws IOException {
    records.mutate(
        digest, r -> r.getPinsList().contains(pin) ? r : r.toBuilder().addPins(pin).build());
  }

  public void unpin(Digest digest, String pin) throws IOException {
    records.mutate(
        digest,
        r -> {
          List<String> pins = new ArrayList<>(r.getPinsList());
          pins.remove(pin);
          return r.toBuilder().clearPins().addAllPins(pins).build();
        });
  }

  /**
   * Records that {@code holder} (e.g. {@code container:<id>}) uses the blob; it is then never
   * evicted.
   */
  public void addReference(Digest digest, String holder) throws IOException {
    long now = clock.millis();
    records.mutate(
        digest,
        r ->
            r.getReferencesList().stream().anyMatch(x -> x.getHolder().equals(holder))
                ? r
                : r.toBuilder()
                    .addReferences(
                        dev.shoal.proto.index.v1.BlobReference.newBuilder()
                            .setHolder(holder)
                            .setSinceMillis(now))
                    .build());
  }

  public void removeReference(Digest digest, String holder) throws IOException {
    records.mutate(
        digest,
        r -> {
          var b = r.toBuilder().clearReferences();
          r.getReferencesList().stream()
              .filter(x -> !x.getHolder().equals(holder))
              .forEach(b::addReferences);
          return b.build();
        });
  }

  /** Marks a blob un-servable; every read path then refuses it with the reason. */
  public void quarantine(Digest digest, String reason) throws IOException {
    long now = clock.millis();
    records.mutate(
        digest,
        r ->
            r.toBuilder()
                .setQuarantine(
                    dev.shoal.proto.index.v1.Quarantine.newBuilder()
                        .setReason(reason)
                        .setSinceMillis(now))
                .build());
  }

  public StoreStats stats() {
    return usage.snapshot();
  }

  /** Tells {@code listener} of every blob removed from now on, until it is removed again. */
  public void addRemovalListener(BlobRemovalListener listener) {
    removalListeners.add(requireNonNull(listener, "listener"));
  }

  public void removeRemovalListener(BlobRemovalListener listener) {
    removalListeners.remove(listener);
  }

  /** Runs eviction now, whatever the schedule, and reports what it freed. */
  public EvictionReport evict() throws IOException {
    return evictor.runOnce();
  }

  @Override
  public void close() {
    evictor.close();
    partials.closeAll();
    records.close();
  }

  // ---- internals shared with BlobWriter, PartialBlobs and Evictor ----

  Clock clock() {
    return clock;
  }

  BlobPaths paths() {
    return paths;
  }

  BlobIndex index() {
    return records.index();
  }

  StoreUsage usage() {
    return usage;
  }

  ReentrantLock lockOf(Digest digest) {
    return records.lockOf(digest);
  }

  boolean downloading(Digest digest) {
    return partials.active(digest);
  }

  Optional<BlobRecord> record(Digest digest) throws IOException {
    return records.get(digest);
  }

  /** Writes a record; the caller holds the digest's lock. */
  void store(Digest digest, BlobRecord r, boolean durable) throws IOException {
    records.put(digest, r, durable);
  }

  /**
   * Moves a verified, fsynced file into place as the complete blob and commits its record. An
   * already complete blob is kept and the new file dropped.
   */
  BlobInfo publish(Digest digest, Path verifiedFile, long size, String mediaType)
      throws IOException {
    ReentrantLock lock = lockOf(digest);
    lock.lock();
    try {
      Optional<BlobRecord> existing = record(digest);
      Path target = paths.blob(digest);
      if (existing.filter(Records::isComplete).isPresent() && Files.exists(target)) {
        Files.deleteIfExists(verifiedFile);
        touch(digest);
        return Records.info(digest, existing.get(), clock.millis());
      }
      Path parent = target.getParent();
      if (!Files.isDirectory(parent)) {
        Files.createDirectories(parent);
        BlobPaths.syncDirectory(parent.getParent());
      }
      Files.move(
          verifiedFile,
          target,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      BlobPaths.syncDirectory(parent);
      long now = clock.millis();
      BlobRecord r =
          existing
              .map(e -> Records.completed(e, size, mediaType))
              .orElseGet(() -> Records.complete(size, mediaType, now));
      records.putWithAccess(digest, r, now);
      if (existing.filter(Records::isPartial).isPresent()) {
        usage.partialRemoved(Records.bytesHeld(existing.get()));
        partials.discardFile(digest);
      }
      usage.completeAdded(size);
    } finally {
      lock.unlock();
    }
    evictor.nudge();
    return info(digest).orElseThrow(() -> new BlobNotFoundException(digest));
  }

  /**
   * Deletes files and record; with {@code evicting}, only if the blob is still evictable. The
   * removal listeners hear of it once the digest's lock is released.
   */
  boolean remove(Digest digest, boolean evicting) throws IOException {
    boolean removed = removeLocked(digest, evicting);
    if (removed) {
      for (BlobRemovalListener l : removalListeners) {
        try {
          l.removed(digest);
        } catch (RuntimeException e) {
          // The blob is gone either way; a listener's failure must not turn that into an error.
          log.warn("a blob removal listener failed digest={}", digest, e);
        }
      }
    }
    return removed;
  }

  private boolean removeLocked(Digest digest, boolean evicting) throws IOException {
    ReentrantLock lock = lockOf(digest);
    lock.lock();
    try {
      Optional<BlobRecord> r = record(digest);
      if (r.isEmpty()) {
        return false;
      }
      BlobRecord rec = r.get();
      if (rec.getPinsCount() > 0 || rec.getReferencesCount() > 0) {
        if (evicting) {
          return false;
        }
        throw new BlobInUseException(
            digest,
            rec.getPinsList(),
            rec.getReferencesList().stream().map(x -> x.getHolder()).toList());
      }
      if (Records.isPartial(rec) && partials.active(digest)) {
        if (evicting) {
          return false;
        }
        partials.abandon(digest);
      }
      // File first, then record: a crash between leaves a record without a file, which open()
      // drops cheaply, instead of a file without a record, which would have to be re-hashed.
      if (Records.isComplete(rec)) {
        Files.deleteIfExists(paths.blob(digest));
        usage.completeRemoved(rec.getSize());
      } else {
        partials.discardFile(digest);
        usage.partialRemoved(Records.bytesHeld(rec));
      }
      records.delete(digest);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The index said complete but the file is gone: deleted meanwhile (then the record is gone too),
   * or removed by hand behind the store's back. Believe the disk.
   */
  private void dropIfFileMissing(Digest digest) throws IOException {
    ReentrantLock lock = lockOf(digest);
    lock.lock();
    try {
      Optional<BlobRecord> r = record(digest);
      if (r.filter(Records::isComplete).isPresent() && !Files.exists(paths.blob(digest))) {
        log.warn("blob file missing, dropping its record digest={}", digest);
        usage.completeRemoved(r.get().getSize());
        records.delete(digest);
      }
    } finally {
      lock.unlock();
    }
  }

  void touch(Digest digest) throws IOException {
    records.touch(digest);
  }
}
