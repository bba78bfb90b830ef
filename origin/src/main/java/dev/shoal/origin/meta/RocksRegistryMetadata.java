package dev.shoal.origin.meta;

import static dev.shoal.origin.meta.MetaKeys.key;
import static dev.shoal.origin.meta.MetaKeys.prefix;
import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.IndexException;
import dev.shoal.origin.meta.MetaDb.Cf;
import dev.shoal.proto.index.v1.OriginBlobRecord;
import dev.shoal.proto.index.v1.OriginBlobState;
import dev.shoal.proto.index.v1.OriginEventCursor;
import dev.shoal.proto.index.v1.OriginIndexEntry;
import dev.shoal.proto.index.v1.OriginLinkRecord;
import dev.shoal.proto.index.v1.OriginManifestRecord;
import dev.shoal.proto.index.v1.OriginRepositoryRecord;
import dev.shoal.proto.index.v1.OriginTagRecord;
import dev.shoal.proto.index.v1.OriginUploadRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RegistryMetadata} in RocksDB: one column family per record kind (keys in {@code
 * shoal/index/v1/origin.proto}), every mutation one durable {@code WriteBatch}.
 *
 * <p>Mutations are serialised by one lock and read from a snapshot taken under it; reads take no
 * lock and see one snapshot each. A mutation that changes nothing (re-putting a stored manifest
 * with the same tag, linking a linked blob) writes nothing and appends no event.
 */
public final class RocksRegistryMetadata implements RegistryMetadata {
  private static final Logger log = LoggerFactory.getLogger(RocksRegistryMetadata.class);

  private final MetaDb db;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  // Written under the lock only; volatile so that metrics read it without the lock.
  private volatile long lastCursor;
  private final AtomicLong uploadCount;
  private final List<LongConsumer> eventListeners = new CopyOnWriteArrayList<>();

  private RocksRegistryMetadata(MetaDb db, Clock clock, long lastCursor, long uploads) {
    this.db = db;
    this.clock = clock;
    this.lastCursor = lastCursor;
    this.uploadCount = new AtomicLong(uploads);
  }

  /** Opens (creating if needed) the metadata in {@code dir}; refuses another schema version. */
  public static RocksRegistryMetadata open(Path dir, Clock clock) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(clock, "clock");
    MetaDb db = MetaDb.open(dir);
    try {
      byte[] raw = db.getDefault(MetaDb.EVENT_CURSOR_KEY);
      long last =
          raw == null
              ? 0
              : MetaRecords.parse(
                      OriginEventCursor.parser(), OriginEventCursor::getFormat, "event cursor", raw)
                  .getLastCursor();
      long[] uploads = {0};
      try (MetaDb.View view = db.view()) {
        view.scan(
            Cf.UPLOADS,
            new byte[0],
            new byte[0],
            (k, v) -> {
              uploads[0]++;
              return true;
            });
      }
      return new RocksRegistryMetadata(db, clock, last, uploads[0]);
    } catch (IOException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  // ---- repositories ----

  @Override
  public boolean repositoryExists(String repository) throws IOException {
    requireNonNull(repository, "repository");
    try (MetaDb.View view = db.view()) {
      return view.has(Cf.REPOSITORIES, key(repository));
    }
  }

  @Override
  public List<String> repositories(String last, int n) throws IOException {
    return page(Cf.REPOSITORIES, new byte[0], last, n);
  }

  // ---- blobs ----

  @Override
  public void linkBlob(String repository, Digest blob, long size) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(blob, "blob");
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    mutate(
        "link " + repository + " " + blob,
        tx -> {
          ensureRepository(tx, repository);
          link(tx, repository, blob, size);
          return null;
        });
  }

  @Override
  public boolean blobLinked(String repository, Digest blob) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(blob, "blob");
    try (MetaDb.View view = db.view()) {
      return view.has(Cf.LINKS, key(repository, blob));
    }
  }

  @Override
  public boolean unlinkBlob(String repository, Digest blob) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(blob, "blob");
    return mutate(
        "unlink " + repository + " " + blob,
        tx -> {
          byte[] link = key(repository, blob);
          if (!tx.view.has(Cf.LINKS, link)) {
            return false;
          }
          tx.delete(Cf.LINKS, link);
          tx.delete(Cf.BLOB_REPOS, key(blob, repository));
          dropRepositoryIfEmpty(tx, repository, link, null);
          return true;
        });
  }

  @Override
  public Optional<BlobMeta> blob(Digest blob) throws IOException {
    requireNonNull(blob, "blob");
    try (MetaDb.View view = db.view()) {
      List<String> repos = new ArrayList<>();
      byte[] p = prefix(blob);
      view.scan(Cf.BLOB_REPOS, p, p, (k, v) -> repos.add(MetaKeys.rest(k, p)));
      if (repos.isEmpty()) {
        return Optional.empty();
      }
      byte[] raw = view.get(Cf.BLOBS, key(blob));
      if (raw == null) {
        throw new IndexException("blob " + blob + " is linked to " + repos + " but has no record");
      }
      OriginBlobRecord r =
          MetaRecords.parse(
              OriginBlobRecord.parser(), OriginBlobRecord::getFormat, "blob " + blob, raw);
      return Optional.of(new BlobMeta(blob, r.getSize(), r.getReferenceCount(), repos));
    }
  }

  // ---- manifests and tags ----

  @Override
  public void putManifest(String repository, ManifestMeta manifest, String tag) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(manifest, "manifest");
    Digest digest = manifest.digest();
    mutate(
        "put manifest " + repository + " " + digest,
        tx -> {
          Set<Digest> refs = new LinkedHashSet<>(manifest.references());
          refs.remove(digest);
          List<Digest> missing = new ArrayList<>();
          for (Digest r : refs) {
            if (!tx.view.has(Cf.LINKS, key(repository, r))
                && !tx.view.has(Cf.MANIFESTS, key(repository, r))) {
              missing.add(r);
            }
          }
          if (!missing.isEmpty()) {
            throw new MissingReferenceException(repository, missing);
          }
          boolean changed = false;
          byte[] mk = key(repository, digest);
          if (!tx.view.has(Cf.MANIFESTS, mk)) {
            // A stored manifest stands as it is: its digest fixes its bytes and so its references.
            long pushed = manifest.pushedMillis() > 0 ? manifest.pushedMillis() : tx.now;
            ensureRepository(tx, repository);
            tx.put(Cf.MANIFESTS, mk, MetaRecords.manifestRecord(manifest, pushed).build());
            tx.put(Cf.MANIFEST_REPOS, key(digest, repository), entry(tx));
            if (manifest.subject() != null) {
              tx.put(Cf.REFERRERS, key(manifest.subject(), repository, digest), entry(tx));
            }
            for (Digest r : refs) {
              reference(tx, repository, digest, r);
            }
            changed = true;
          }
          if (tag != null) {
            byte[] tk = key(repository, tag);
            Optional<Digest> old = tagTarget(tx.view, tk);
            if (old.isEmpty() || !old.get().equals(digest)) {
              tx.put(
                  Cf.TAGS,
                  tk,
                  OriginTagRecord.newBuilder()
                      .setFormat(MetaRecords.RECORD_FORMAT)
                      .setManifest(digest.toString())
                      .setUpdatedMillis(tx.now)
                      .build());
              changed = true;
            }
          }
          if (changed) {
            tx.event(RegistryEvent.Type.PUSHED, repository, digest, tag);
          }
          return null;
        });
  }

  /** Links {@code ref} if only a manifest of the repository, and counts one reference to it. */
  private void reference(MetaTx tx, String repository, Digest manifest, Digest ref)
      throws IOException {
    if (!tx.view.has(Cf.LINKS, key(repository, ref))) {
      // A child manifest of an index: its bytes are a blob of this repository too.
      link(tx, repository, ref, manifestRecord(tx.view, repository, ref).getSize());
    }
    byte[] usage = key(ref, repository, manifest);
    if (!tx.view.has(Cf.USAGES, usage)) {
      tx.put(Cf.USAGES, usage, entry(tx));
      OriginBlobRecord.Builder b = tx.blob(ref);
      tx.putBlob(ref, b.setReferenceCount(b.getReferenceCount() + 1));
    }
  }

  @Override
  public Optional<ManifestMeta> manifest(String repository, Digest digest) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(digest, "digest");
    try (MetaDb.View view = db.view()) {
      byte[] raw = view.get(Cf.MANIFESTS, key(repository, digest));
      return raw == null
          ? Optional.empty()
          : Optional.of(MetaRecords.manifestMeta(parseManifest(repository, digest, raw)));
    }
  }

  @Override
  public boolean deleteManifest(String repository, Digest digest) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(digest, "digest");
    return mutate(
        "delete manifest " + repository + " " + digest,
        tx -> {
          byte[] mk = key(repository, digest);
          byte[] raw = tx.view.get(Cf.MANIFESTS, mk);
          if (raw == null) {
            return false;
          }
          List<Digest> by = referencingManifests(tx.view, repository, digest);
          if (!by.isEmpty()) {
            throw new ManifestReferencedException(repository, digest, by);
          }
          OriginManifestRecord r = parseManifest(repository, digest, raw);
          tx.delete(Cf.MANIFESTS, mk);
          tx.delete(Cf.MANIFEST_REPOS, key(digest, repository));
          if (r.hasSubject()) {
            tx.delete(Cf.REFERRERS, key(r.getSubject(), repository, digest));
          }
          for (String ref : new LinkedHashSet<>(r.getReferencesList())) {
            byte[] usage = key(ref, repository, digest);
            if (tx.view.has(Cf.USAGES, usage)) {
              tx.delete(Cf.USAGES, usage);
              Digest d = Digest.parse(ref);
              OriginBlobRecord.Builder b = tx.blob(d);
              if (b != null) {
                tx.putBlob(d, b.setReferenceCount(Math.max(0, b.getReferenceCount() - 1)));
              }
            }
          }
          byte[] tags = prefix(repository);
          tx.view.scan(
              Cf.TAGS,
              tags,
              tags,
              (k, v) -> {
                if (parseTag(k, v).getManifest().equals(digest.toString())) {
                  tx.delete(Cf.TAGS, k);
                }
                return true;
              });
          dropRepositoryIfEmpty(tx, repository, null, mk);
          tx.event(RegistryEvent.Type.DELETED, repository, digest, null);
          return true;
        });
  }

  @Override
  public Optional<Digest> tag(String repository, String tag) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(tag, "tag");
    try (MetaDb.View view = db.view()) {
      return tagTarget(view, key(repository, tag));
    }
  }

  @Override
  public List<String> tags(String repository, String last, int n) throws IOException {
    requireNonNull(repository, "repository");
    return page(Cf.TAGS, prefix(repository), last, n);
  }

  @Override
  public boolean deleteTag(String repository, String tag) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(tag, "tag");
    return mutate(
        "delete tag " + repository + ":" + tag,
        tx -> {
          byte[] tk = key(repository, tag);
          Optional<Digest> target = tagTarget(tx.view, tk);
          if (target.isEmpty()) {
            return false;
          }
          tx.delete(Cf.TAGS, tk);
          tx.event(RegistryEvent.Type.DELETED, repository, target.get(), tag);
          return true;
        });
  }

  @Override
  public List<ManifestMeta> referrers(String repository, Digest subject) throws IOException {
    requireNonNull(repository, "repository");
    requireNonNull(subject, "subject");
    List<ManifestMeta> out = new ArrayList<>();
    try (MetaDb.View view = db.view()) {
      byte[] p = prefix(subject, repository);
      view.scan(
          Cf.REFERRERS,
          p,
          p,
          (k, v) -> {
            Digest d = MetaKeys.lastDigest(k);
            byte[] raw = view.get(Cf.MANIFESTS, key(repository, d));
            if (raw != null) {
              out.add(MetaRecords.manifestMeta(parseManifest(repository, d, raw)));
            }
            return true;
          });
    }
    return out;
  }

  // ---- queries (S4) ----

  @Override
  public List<ImageRef> imagesUsing(Digest layer) throws IOException {
    requireNonNull(layer, "layer");
    try (MetaDb.View view = db.view()) {
      Map<String, List<Digest>> byRepo = new LinkedHashMap<>();
      byte[] p = prefix(layer);
      view.scan(
          Cf.USAGES,
          p,
          p,
          (k, v) -> {
            String rest = MetaKeys.rest(k, p);
            int sep = rest.lastIndexOf('\0');
            byRepo
                .computeIfAbsent(rest.substring(0, sep), r -> new ArrayList<>())
                .add(Digest.parse(rest.substring(sep + 1)));
            return true;
          });
      List<ImageRef> out = new ArrayList<>();
      for (Map.Entry<String, List<Digest>> e : byRepo.entrySet()) {
        Map<String, List<String>> tagsByManifest = tagsByManifest(view, e.getKey());
        for (Digest m : e.getValue()) {
          out.add(
              new ImageRef(e.getKey(), m, tagsByManifest.getOrDefault(m.toString(), List.of())));
        }
      }
      return out;
    }
  }

  @Override
  public List<String> repositoriesHolding(Digest manifest) throws IOException {
    requireNonNull(manifest, "manifest");
    List<String> out = new ArrayList<>();
    try (MetaDb.View view = db.view()) {
      byte[] p = prefix(manifest);
      view.scan(Cf.MANIFEST_REPOS, p, p, (k, v) -> out.add(MetaKeys.rest(k, p)));
    }
    return out;
  }

  // ---- upload sessions ----

  @Override
  public UploadSession startUpload(String repository) throws IOException {
    requireNonNull(repository, "repository");
    String id = UUID.randomUUID().toString();
    UploadSession started =
        mutate(
            "start upload " + id,
            tx -> {
              tx.put(
                  Cf.UPLOADS,
                  key(id),
                  OriginUploadRecord.newBuilder()
                      .setFormat(MetaRecords.RECORD_FORMAT)
                      .setRepository(repository)
                      .setStartedMillis(tx.now)
                      .setUpdatedMillis(tx.now)
                      .build());
              return new UploadSession(id, repository, 0, tx.now, tx.now);
            });
    uploadCount.incrementAndGet();
    return started;
  }

  @Override
  public Optional<UploadSession> upload(String id) throws IOException {
    requireNonNull(id, "id");
    try (MetaDb.View view = db.view()) {
      return uploadRecord(view, id).map(r -> uploadSession(id, r));
    }
  }

  @Override
  public List<UploadSession> uploads(String afterId, int n) throws IOException {
    List<UploadSession> out = new ArrayList<>();
    if (n <= 0) {
      return out;
    }
    try (MetaDb.View view = db.view()) {
      view.scan(
          Cf.UPLOADS,
          new byte[0],
          afterId == null ? new byte[0] : key(afterId),
          (k, v) -> {
            String id = MetaKeys.text(k);
            if (!id.equals(afterId)) {
              out.add(
                  uploadSession(
                      id,
                      MetaRecords.parse(
                          OriginUploadRecord.parser(),
                          OriginUploadRecord::getFormat,
                          "upload " + id,
                          v)));
            }
            return out.size() < n;
          });
    }
    return out;
  }

  @Override
  public long uploadsInProgress() {
    return uploadCount.get();
  }

  @Override
  public void advanceUpload(String id, long offset) throws IOException {
    requireNonNull(id, "id");
    if (offset < 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
    }
    mutate(
        "advance upload " + id,
        tx -> {
          OriginUploadRecord r =
              uploadRecord(tx.view, id).orElseThrow(() -> new UploadUnknownException(id));
          tx.put(
              Cf.UPLOADS,
              key(id),
              r.toBuilder().setOffset(offset).setUpdatedMillis(tx.now).build());
          return null;
        });
  }

  /** Forgets the session; ending an unknown or ended one does nothing. */
  @Override
  public void endUpload(String id) throws IOException {
    requireNonNull(id, "id");
    boolean ended =
        mutate(
            "end upload " + id,
            tx -> {
              if (!tx.view.has(Cf.UPLOADS, key(id))) {
                return false;
              }
              tx.delete(Cf.UPLOADS, key(id));
              return true;
            });
    if (ended) {
      uploadCount.decrementAndGet();
    }
  }

  // ---- event log ----

  @Override
  public List<RegistryEvent> events(long cursor, int n) throws IOException {
    if (cursor < 0) {
      throw new IllegalArgumentException("cursor: " + cursor + " (expected: >= 0)");
    }
    List<RegistryEvent> out = new ArrayList<>();
    if (n <= 0 || cursor == Long.MAX_VALUE) {
      return out;
    }
    try (MetaDb.View view = db.view()) {
      view.scan(
          Cf.EVENTS,
          new byte[0],
          MetaKeys.cursor(cursor + 1),
          (k, v) -> {
            out.add(MetaRecords.registryEvent(v));
            return out.size() < n;
          });
    }
    return out;
  }

  @Override
  public long lastEventCursor() {
    return lastCursor;
  }

  /**
   * Calls {@code listener} with the newest cursor after every write that appended events, so that
   * followers of the log need not poll it. It runs on the writing thread after the write is durable
   * and the writer lock released, so it must be quick; two writes may announce out of order (keep
   * the maximum), and an exception it throws is logged, not given to the writer.
   *
   * @return removes the listener
   */
  public Runnable onEvents(LongConsumer listener) {
    requireNonNull(listener, "listener");
    eventListeners.add(listener);
    return () -> eventListeners.remove(listener);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      db.close();
    } finally {
      lock.unlock();
    }
  }

  // ---- helpers ----

  @FunctionalInterface
  private interface Mutation<T> {
    T apply(MetaTx tx) throws IOException;
  }

  /** Runs {@code m} under the writer lock and commits what it collected in one durable write. */
  private <T> T mutate(String operation, Mutation<T> m) throws IOException {
    T result;
    long appended = 0;
    lock.lock();
    try (MetaTx tx = new MetaTx(db, operation, clock.millis(), lastCursor)) {
      result = m.apply(tx);
      long last = tx.commit();
      if (last != lastCursor) {
        appended = last;
      }
      lastCursor = last;
    } finally {
      lock.unlock();
    }
    if (appended > 0) {
      announce(appended);
    }
    return result;
  }

  private void announce(long cursor) {
    for (LongConsumer l : eventListeners) {
      try {
        l.accept(cursor);
      } catch (RuntimeException e) {
        // The write is durable: failing it now would make a client retry a done change.
        log.warn("event listener failed cursor={}", cursor, e);
      }
    }
  }

  private static void ensureRepository(MetaTx tx, String repository) throws IndexException {
    if (!tx.view.has(Cf.REPOSITORIES, key(repository))) {
      tx.put(
          Cf.REPOSITORIES,
          key(repository),
          OriginRepositoryRecord.newBuilder()
              .setFormat(MetaRecords.RECORD_FORMAT)
              .setCreatedMillis(tx.now)
              .build());
    }
  }

  /**
   * Removes the repository record when, after this mutation, it holds no link and no manifest (a
   * tag always points at a manifest). {@code goneLink} and {@code goneManifest} are the keys this
   * mutation deletes.
   */
  private static void dropRepositoryIfEmpty(
      MetaTx tx, String repository, byte[] goneLink, byte[] goneManifest) throws IOException {
    byte[] p = prefix(repository);
    if (!tx.view.anyUnder(Cf.LINKS, p, goneLink)
        && !tx.view.anyUnder(Cf.MANIFESTS, p, goneManifest)) {
      tx.delete(Cf.REPOSITORIES, key(repository));
    }
  }

  /** Links the blob to the repository, creating its record or reviving it when collected. */
  private static void link(MetaTx tx, String repository, Digest blob, long size)
      throws IndexException {
    byte[] link = key(repository, blob);
    if (!tx.view.has(Cf.LINKS, link)) {
      OriginLinkRecord r =
          OriginLinkRecord.newBuilder()
              .setFormat(MetaRecords.RECORD_FORMAT)
              .setLinkedMillis(tx.now)
              .build();
      tx.put(Cf.LINKS, link, r);
      tx.put(Cf.BLOB_REPOS, key(blob, repository), r);
    }
    OriginBlobRecord.Builder b = tx.blob(blob);
    if (b == null) {
      tx.putBlob(
          blob,
          OriginBlobRecord.newBuilder()
              .setFormat(MetaRecords.RECORD_FORMAT)
              .setSize(size)
              .setState(OriginBlobState.ORIGIN_BLOB_STATE_LIVE)
              .setStateChangedMillis(tx.now)
              .setCreatedMillis(tx.now));
    } else if (b.getState() != OriginBlobState.ORIGIN_BLOB_STATE_LIVE) {
      // A push of a blob garbage collection chose revives it (DESIGN.md "Built now, used later").
      tx.putBlob(
          blob, b.setState(OriginBlobState.ORIGIN_BLOB_STATE_LIVE).setStateChangedMillis(tx.now));
    }
  }

  private List<String> page(Cf cf, byte[] prefix, String last, int n) throws IOException {
    List<String> out = new ArrayList<>();
    if (n <= 0) {
      return out;
    }
    byte[] from = last == null ? prefix : concat(prefix, key(last));
    try (MetaDb.View view = db.view()) {
      view.scan(
          cf,
          prefix,
          from,
          (k, v) -> {
            String name = MetaKeys.rest(k, prefix);
            if (!name.equals(last)) {
              out.add(name);
            }
            return out.size() < n;
          });
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Map<String, List<String>> tagsByManifest(MetaDb.View view, String repository)
      throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    byte[] p = prefix(repository);
    view.scan(
        Cf.TAGS,
        p,
        p,
        (k, v) -> {
          out.computeIfAbsent(parseTag(k, v).getManifest(), m -> new ArrayList<>())
              .add(MetaKeys.rest(k, p));
          return true;
        });
    return out;
  }

  private static Optional<Digest> tagTarget(MetaDb.View view, byte[] tagKey) throws IOException {
    byte[] raw = view.get(Cf.TAGS, tagKey);
    return raw == null
        ? Optional.empty()
        : Optional.of(Digest.parse(parseTag(tagKey, raw).getManifest()));
  }

  private static OriginTagRecord parseTag(byte[] key, byte[] raw) throws IndexException {
    return MetaRecords.parse(
        OriginTagRecord.parser(),
        OriginTagRecord::getFormat,
        "tag " + MetaKeys.text(key).replace('\0', ':'),
        raw);
  }

  private static OriginManifestRecord manifestRecord(
      MetaDb.View view, String repository, Digest digest) throws IOException {
    byte[] raw = view.get(Cf.MANIFESTS, key(repository, digest));
    if (raw == null) {
      throw new IndexException("manifest " + repository + "@" + digest + " has no record");
    }
    return parseManifest(repository, digest, raw);
  }

  private static OriginManifestRecord parseManifest(String repository, Digest digest, byte[] raw)
      throws IndexException {
    return MetaRecords.parse(
        OriginManifestRecord.parser(),
        OriginManifestRecord::getFormat,
        "manifest " + repository + "@" + digest,
        raw);
  }

  /**
   * The manifests of {@code repository} that reference {@code digest} (an image index and its
   * child), from the usage records every push writes.
   */
  private static List<Digest> referencingManifests(
      MetaDb.View view, String repository, Digest digest) throws IOException {
    List<Digest> out = new ArrayList<>();
    byte[] p = prefix(digest, repository);
    view.scan(Cf.USAGES, p, p, (k, v) -> out.add(MetaKeys.lastDigest(k)));
    return out;
  }

  private static UploadSession uploadSession(String id, OriginUploadRecord r) {
    return new UploadSession(
        id, r.getRepository(), r.getOffset(), r.getStartedMillis(), r.getUpdatedMillis());
  }

  private static Optional<OriginUploadRecord> uploadRecord(MetaDb.View view, String id)
      throws IOException {
    byte[] raw = view.get(Cf.UPLOADS, key(id));
    return raw == null
        ? Optional.empty()
        : Optional.of(
            MetaRecords.parse(
                OriginUploadRecord.parser(), OriginUploadRecord::getFormat, "upload " + id, raw));
  }

  private static OriginIndexEntry entry(MetaTx tx) {
    return OriginIndexEntry.newBuilder()
        .setFormat(MetaRecords.RECORD_FORMAT)
        .setSinceMillis(tx.now)
        .build();
  }
}
