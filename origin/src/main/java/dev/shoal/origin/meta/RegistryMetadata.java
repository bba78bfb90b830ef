package dev.shoal.origin.meta;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The origin's structured metadata (DESIGN.md S4): repositories, tags, manifests, which
 * repositories may use which blobs, blob reference counts, upload sessions and the event log.
 *
 * <p>Blob bytes live in the content store; this is everything about them. Every change that spans
 * several records (a manifest push updates the manifest, its tag, the reference counts of what it
 * references and the event log) is one atomic write. Repository names and tags are validated by the
 * caller (the HTTP layer); digests are {@link Digest}s.
 */
public interface RegistryMetadata extends AutoCloseable {

  // ---- repositories ----

  boolean repositoryExists(String repository) throws IOException;

  /** Repository names in lexical order after {@code last} (null: from the start), at most n. */
  List<String> repositories(String last, int n) throws IOException;

  // ---- blobs a repository may use ----

  /**
   * Records that {@code repository} holds {@code blob} (after an upload or a mount); creates the
   * repository. Idempotent. Also records the blob's size and media type the first time.
   */
  void linkBlob(String repository, Digest blob, long size) throws IOException;

  boolean blobLinked(String repository, Digest blob) throws IOException;

  /** Removes the link; false when there was none. The bytes stay until garbage collection. */
  boolean unlinkBlob(String repository, Digest blob) throws IOException;

  /** What is known about a blob across all repositories; empty when no repository links it. */
  Optional<BlobMeta> blob(Digest blob) throws IOException;

  // ---- manifests and tags ----

  /**
   * Stores a manifest's metadata (its bytes are in the content store under {@code
   * manifest.digest()}), links the blobs and child manifests it references, increments their
   * reference counts (once per repository and manifest), points {@code tag} at it when not null,
   * and appends a {@code PUSHED} event: all in one atomic write.
   *
   * @throws MissingReferenceException when a referenced blob or child manifest is not linked to the
   *     repository (the registry answers MANIFEST_BLOB_UNKNOWN)
   */
  void putManifest(String repository, ManifestMeta manifest, String tag) throws IOException;

  Optional<ManifestMeta> manifest(String repository, Digest digest) throws IOException;

  /**
   * Deletes a manifest from a repository with every tag that points at it, decrements the reference
   * counts of what it referenced, and appends a {@code DELETED} event. False when the repository
   * did not have it.
   *
   * @throws ManifestReferencedException when another manifest of the repository (an image index)
   *     still references it: deleting it would break that index
   */
  boolean deleteManifest(String repository, Digest digest) throws IOException;

  Optional<Digest> tag(String repository, String tag) throws IOException;

  /** Tags of a repository in lexical order after {@code last} (null: from the start), at most n. */
  List<String> tags(String repository, String last, int n) throws IOException;

  /** Deletes one tag (not the manifest); appends a {@code DELETED} event. */
  boolean deleteTag(String repository, String tag) throws IOException;

  /**
   * Manifests of {@code repository} whose {@code subject} is {@code subject} (OCI 1.1 referrers).
   */
  List<ManifestMeta> referrers(String repository, Digest subject) throws IOException;

  // ---- queries (S4) ----

  /** Every (repository, manifest) whose manifest references {@code layer} directly. */
  List<ImageRef> imagesUsing(Digest layer) throws IOException;

  /** The repositories that hold manifest {@code manifest}. */
  List<String> repositoriesHolding(Digest manifest) throws IOException;

  // ---- upload sessions (survive a restart) ----

  UploadSession startUpload(String repository) throws IOException;

  Optional<UploadSession> upload(String id) throws IOException;

  /** Records that the upload's file now holds {@code offset} bytes. */
  void advanceUpload(String id, long offset) throws IOException;

  void endUpload(String id) throws IOException;

  /** Upload sessions in id order after {@code afterId} (null: from the start), at most n. */
  List<UploadSession> uploads(String afterId, int n) throws IOException;

  /** How many upload sessions there are: a running count, cheap enough for every scrape. */
  long uploadsInProgress();

  // ---- event log ----

  /** Events after {@code cursor} (0: from the start), oldest first, at most n. */
  List<RegistryEvent> events(long cursor, int n) throws IOException;

  /** The cursor of the newest event, 0 when the log is empty: how many events were published. */
  long lastEventCursor();

  @Override
  void close();
}
