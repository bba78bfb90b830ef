package dev.shoal.origin.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.IndexException;
import dev.shoal.core.testing.MutableClock;
import dev.shoal.proto.index.v1.SchemaVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksRegistryMetadataTest {
  private static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atEpochPlusDays(100);
  private RocksRegistryMetadata meta;

  private final Digest config = digest("config");
  private final Digest layer1 = digest("layer1");
  private final Digest layer2 = digest("layer2");

  @BeforeEach
  void open() throws Exception {
    meta = RocksRegistryMetadata.open(dir, clock);
  }

  @AfterEach
  void close() {
    meta.close();
  }

  private void reopen() throws Exception {
    meta.close();
    meta = RocksRegistryMetadata.open(dir, clock);
  }

  private static Digest digest(String s) {
    return Digest.sha256Of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static ManifestMeta image(String name, Digest... refs) {
    return new ManifestMeta(
        digest(name), MANIFEST_TYPE, 500, List.of(refs), null, null, Map.of(), 0);
  }

  /** Links the config and layers to {@code repo} and pushes an image of them. */
  private ManifestMeta push(String repo, String name, String tag) throws Exception {
    meta.linkBlob(repo, config, 10);
    meta.linkBlob(repo, layer1, 100);
    meta.linkBlob(repo, layer2, 200);
    ManifestMeta m = image(name, config, layer1, layer2);
    meta.putManifest(repo, m, tag);
    return m;
  }

  @Test
  void push_linksBlobsStoresManifestAndTag() throws Exception {
    ManifestMeta m = push("team/app", "app-v1", "1.0");

    assertThat(meta.repositoryExists("team/app")).isTrue();
    assertThat(meta.blobLinked("team/app", layer1)).isTrue();
    assertThat(meta.blobLinked("other", layer1)).isFalse();
    assertThat(meta.tag("team/app", "1.0")).contains(m.digest());
    ManifestMeta stored = meta.manifest("team/app", m.digest()).orElseThrow();
    assertThat(stored.references()).containsExactly(config, layer1, layer2);
    assertThat(stored.mediaType()).isEqualTo(MANIFEST_TYPE);
    assertThat(stored.pushedMillis()).isEqualTo(clock.millis());
    assertThat(meta.blob(layer2)).contains(new BlobMeta(layer2, 200, 1, List.of("team/app")));
  }

  @Test
  void putManifest_refusesListingEveryMissingReference() throws Exception {
    meta.linkBlob("app", config, 10);
    ManifestMeta m = image("app-v1", config, layer1, layer2);

    assertThatThrownBy(() -> meta.putManifest("app", m, "latest"))
        .isInstanceOfSatisfying(
            MissingReferenceException.class,
            e -> assertThat(e.missing()).containsExactly(layer1, layer2));
    // Linked in another repository does not count.
    meta.linkBlob("elsewhere", layer1, 100);
    meta.linkBlob("elsewhere", layer2, 200);
    assertThatThrownBy(() -> meta.putManifest("app", m, "latest"))
        .isInstanceOf(MissingReferenceException.class);
    assertThat(meta.manifest("app", m.digest())).isEmpty();
    assertThat(meta.tag("app", "latest")).isEmpty();
    assertThat(meta.blob(config).orElseThrow().referenceCount()).isZero();
    assertThat(meta.events(0, 10)).isEmpty();
  }

  @Test
  void referenceCounts_perRepositoryAndManifest_notDoubledByReputs_neverNegative()
      throws Exception {
    ManifestMeta a = push("a", "v1", "1");
    push("b", "v1", "1");
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isEqualTo(2);

    meta.putManifest("a", a, "1");
    meta.putManifest("a", a, "again");
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isEqualTo(2);

    meta.putManifest("a", image("v2", config, layer1), null);
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isEqualTo(3);
    assertThat(meta.blob(layer2).orElseThrow().referenceCount()).isEqualTo(2);

    assertThat(meta.deleteManifest("a", a.digest())).isTrue();
    assertThat(meta.deleteManifest("a", a.digest())).isFalse();
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isEqualTo(2);
    assertThat(meta.blob(layer2).orElseThrow().referenceCount()).isEqualTo(1);

    assertThat(meta.deleteManifest("b", a.digest())).isTrue();
    assertThat(meta.deleteManifest("a", digest("v2"))).isTrue();
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isZero();
    assertThat(meta.blob(layer1).orElseThrow().repositories()).containsExactly("a", "b");
  }

  @Test
  void tags_paginateInLexicalOrderStrictlyAfterLast() throws Exception {
    ManifestMeta m = push("app", "v1", "b");
    for (String t : List.of("a", "c", "a1", "d")) {
      meta.putManifest("app", m, t);
    }
    meta.putManifest("app-other", image("x"), "zzz");

    assertThat(meta.tags("app", null, 100)).containsExactly("a", "a1", "b", "c", "d");
    assertThat(meta.tags("app", null, 2)).containsExactly("a", "a1");
    assertThat(meta.tags("app", "a1", 2)).containsExactly("b", "c");
    assertThat(meta.tags("app", "bb", 10)).containsExactly("c", "d");
    assertThat(meta.tags("app", "d", 10)).isEmpty();
    assertThat(meta.tags("app", null, 0)).isEmpty();
    assertThat(meta.tags("missing", null, 10)).isEmpty();
  }

  @Test
  void repositories_listedInOrderAndExistOnlyWhileTheyHoldSomething() throws Exception {
    meta.linkBlob("b/two", layer1, 100);
    meta.putManifest("a/one", image("empty"), "1");
    meta.linkBlob("c", layer2, 200);
    String id = meta.startUpload("d").id();

    assertThat(meta.repositories(null, 10)).containsExactly("a/one", "b/two", "c");
    assertThat(meta.repositories("a/one", 1)).containsExactly("b/two");
    assertThat(meta.repositories(null, -1)).isEmpty();
    assertThat(meta.repositoryExists("d")).isFalse();

    assertThat(meta.unlinkBlob("c", layer2)).isTrue();
    assertThat(meta.unlinkBlob("c", layer2)).isFalse();
    assertThat(meta.deleteManifest("a/one", digest("empty"))).isTrue();
    assertThat(meta.repositories(null, 10)).containsExactly("b/two");
    assertThat(meta.repositoryExists("c")).isFalse();
    assertThat(meta.blob(layer2)).isEmpty();
    meta.endUpload(id);
  }

  @Test
  void referrers_areManifestsWithThatSubjectInTheRepository() throws Exception {
    ManifestMeta image = push("app", "v1", "1");
    ManifestMeta sbom =
        new ManifestMeta(
            digest("sbom"),
            MANIFEST_TYPE,
            300,
            List.of(config),
            image.digest(),
            "application/spdx+json",
            Map.of("org.opencontainers.image.created", "2024-01-01"),
            0);
    meta.putManifest("app", sbom, null);
    push("other", "v1", null);
    meta.putManifest("other", image("other-sig", config), null);

    assertThat(meta.referrers("app", image.digest()))
        .containsExactly(
            new ManifestMeta(
                sbom.digest(),
                MANIFEST_TYPE,
                300,
                List.of(config),
                image.digest(),
                "application/spdx+json",
                Map.of("org.opencontainers.image.created", "2024-01-01"),
                clock.millis()));
    assertThat(meta.referrers("other", image.digest())).isEmpty();

    meta.deleteManifest("app", sbom.digest());
    assertThat(meta.referrers("app", image.digest())).isEmpty();
  }

  @Test
  void imagesUsing_andRepositoriesHolding() throws Exception {
    ManifestMeta v1 = push("a", "v1", "1.0");
    meta.putManifest("a", v1, "latest");
    push("b", "v1", null);
    meta.putManifest("b", image("v2", config, layer2), "2.0");

    assertThat(meta.imagesUsing(layer1))
        .containsExactlyInAnyOrder(
            new ImageRef("a", v1.digest(), List.of("1.0", "latest")),
            new ImageRef("b", v1.digest(), List.of()));
    assertThat(meta.imagesUsing(layer2)).hasSize(3);
    assertThat(meta.imagesUsing(digest("nothing"))).isEmpty();
    assertThat(meta.repositoriesHolding(v1.digest())).containsExactly("a", "b");
    assertThat(meta.repositoriesHolding(digest("v2"))).containsExactly("b");

    meta.deleteManifest("a", v1.digest());
    assertThat(meta.repositoriesHolding(v1.digest())).containsExactly("b");
    assertThat(meta.imagesUsing(layer1)).containsExactly(new ImageRef("b", v1.digest(), List.of()));
  }

  @Test
  void deleteTag_keepsManifest_deleteManifest_removesItsTags() throws Exception {
    ManifestMeta m = push("app", "v1", "1.0");
    meta.putManifest("app", m, "latest");
    ManifestMeta other = image("v2", config);
    meta.putManifest("app", other, "2.0");

    assertThat(meta.deleteTag("app", "1.0")).isTrue();
    assertThat(meta.deleteTag("app", "1.0")).isFalse();
    assertThat(meta.tag("app", "1.0")).isEmpty();
    assertThat(meta.manifest("app", m.digest())).isPresent();
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isEqualTo(1);

    assertThat(meta.deleteManifest("app", m.digest())).isTrue();
    assertThat(meta.manifest("app", m.digest())).isEmpty();
    assertThat(meta.tags("app", null, 10)).containsExactly("2.0");
    assertThat(meta.blob(layer1).orElseThrow().referenceCount()).isZero();
    assertThat(meta.blobLinked("app", layer1)).isTrue();
  }

  @Test
  void tagMovedToNewManifest_isOnePushedEventWithTheTag() throws Exception {
    ManifestMeta v1 = push("app", "v1", "latest");
    ManifestMeta v2 = image("v2", config, layer1);
    meta.putManifest("app", v2, null);
    meta.putManifest("app", v2, "latest");
    meta.putManifest("app", v2, "latest");

    assertThat(meta.tag("app", "latest")).contains(v2.digest());
    assertThat(meta.manifest("app", v1.digest())).isPresent();
    List<RegistryEvent> events = meta.events(0, 10);
    assertThat(events)
        .extracting(RegistryEvent::type, RegistryEvent::digest, RegistryEvent::tag)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RegistryEvent.Type.PUSHED, v1.digest(), "latest"),
            org.assertj.core.groups.Tuple.tuple(RegistryEvent.Type.PUSHED, v2.digest(), null),
            org.assertj.core.groups.Tuple.tuple(RegistryEvent.Type.PUSHED, v2.digest(), "latest"));
  }

  @Test
  void uploadSessions_surviveReopen() throws Exception {
    UploadSession s = meta.startUpload("app");
    UploadSession t = meta.startUpload("app");
    assertThat(s.id()).isNotEqualTo(t.id());
    assertThat(s.startedMillis()).isEqualTo(clock.millis());
    clock.advance(Duration.ofMinutes(1));
    meta.advanceUpload(s.id(), 4096);
    meta.endUpload(t.id());

    reopen();

    assertThat(meta.upload(s.id()))
        .contains(new UploadSession(s.id(), "app", 4096, s.startedMillis(), clock.millis()));
    assertThat(meta.upload(t.id())).isEmpty();
    assertThatThrownBy(() -> meta.advanceUpload(t.id(), 1))
        .isInstanceOf(UploadUnknownException.class)
        .hasMessageContaining(t.id());
  }

  @Test
  void uploads_arePagedInIdOrder_andCountedAcrossReopen() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(meta.startUpload("app").id());
    }
    meta.endUpload(ids.remove(2));
    meta.endUpload("never-started");
    ids.sort(null);
    assertThat(meta.uploadsInProgress()).isEqualTo(4);

    List<String> seen = new ArrayList<>();
    for (List<UploadSession> page = meta.uploads(null, 3);
        !page.isEmpty();
        page = meta.uploads(page.get(page.size() - 1).id(), 3)) {
      page.forEach(u -> seen.add(u.id()));
    }
    assertThat(seen).isEqualTo(ids);
    assertThat(meta.uploads(null, 0)).isEmpty();

    reopen();
    assertThat(meta.uploadsInProgress()).isEqualTo(4);
    meta.endUpload(ids.get(0));
    assertThat(meta.uploadsInProgress()).isEqualTo(3);
  }

  @Test
  void deleteManifest_isRefusedWhileAnIndexOfTheRepositoryReferencesIt() throws Exception {
    ManifestMeta amd64 = push("app", "amd64", null);
    ManifestMeta index =
        new ManifestMeta(
            digest("index"), INDEX_TYPE, 700, List.of(amd64.digest()), null, null, Map.of(), 0);
    meta.putManifest("app", index, "multi");
    // The same child in another repository, with no index there.
    push("other", "amd64", null);
    long events = meta.lastEventCursor();

    assertThatThrownBy(() -> meta.deleteManifest("app", amd64.digest()))
        .isInstanceOfSatisfying(
            ManifestReferencedException.class,
            e -> assertThat(e.referencedBy()).containsExactly(index.digest()));
    assertThat(meta.manifest("app", amd64.digest())).isPresent();
    assertThat(meta.lastEventCursor()).as("a refused delete appends no event").isEqualTo(events);

    assertThat(meta.deleteManifest("other", amd64.digest())).isTrue();
    assertThat(meta.deleteManifest("app", index.digest())).isTrue();
    assertThat(meta.deleteManifest("app", amd64.digest())).isTrue();
    assertThat(meta.lastEventCursor()).isEqualTo(events + 3);
  }

  @Test
  void eventCursor_startsAtOne_andContinuesAcrossReopen() throws Exception {
    ManifestMeta m = push("app", "v1", "1.0");
    meta.deleteTag("app", "1.0");
    assertThat(meta.events(0, 10)).extracting(RegistryEvent::cursor).containsExactly(1L, 2L);

    reopen();
    clock.advance(Duration.ofSeconds(5));
    meta.deleteManifest("app", m.digest());

    List<RegistryEvent> all = meta.events(0, 10);
    assertThat(all).extracting(RegistryEvent::cursor).containsExactly(1L, 2L, 3L);
    assertThat(all.get(1))
        .isEqualTo(
            new RegistryEvent(
                2, RegistryEvent.Type.DELETED, "app", m.digest(), "1.0", clock.millis() - 5000));
    assertThat(all.get(2))
        .isEqualTo(
            new RegistryEvent(
                3, RegistryEvent.Type.DELETED, "app", m.digest(), null, clock.millis()));
    assertThat(meta.events(1, 1)).extracting(RegistryEvent::cursor).containsExactly(2L);
    assertThat(meta.events(3, 10)).isEmpty();
  }

  @Test
  void onEvents_announcesTheNewestCursorOnlyForWritesThatAppendedEvents() throws Exception {
    List<Long> heard = new ArrayList<>();
    Runnable remove = meta.onEvents(heard::add);
    meta.onEvents(
        c -> {
          throw new IllegalStateException("a broken listener does not fail the write");
        });

    ManifestMeta m = push("app", "v1", "1.0"); // three links (no event), one push
    meta.putManifest("app", m, "1.0"); // changes nothing
    meta.putManifest("app", m, "latest");
    meta.startUpload("app");
    meta.deleteManifest("app", m.digest());
    assertThat(heard).containsExactly(1L, 2L, 3L);

    remove.run();
    push("app", "v2", "2.0");
    assertThat(heard).containsExactly(1L, 2L, 3L);
    assertThat(meta.events(3, 10)).extracting(RegistryEvent::cursor).containsExactly(4L);
  }

  @Test
  void open_refusesAnotherSchemaVersion() throws Exception {
    meta.close();
    writeSchemaVersion(dir, 99);

    assertThatThrownBy(() -> RocksRegistryMetadata.open(dir, clock))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("schema version 99 (expected: 1)");
    meta = RocksRegistryMetadata.open(dir.resolve("fresh"), clock);
  }

  @Test
  void imageIndex_referencesChildManifestsOfTheRepository() throws Exception {
    ManifestMeta amd64 = push("app", "amd64", null);
    meta.putManifest("app", image("arm64", config, layer1), null);
    Digest arm64 = digest("arm64");
    ManifestMeta index =
        new ManifestMeta(
            digest("index"),
            INDEX_TYPE,
            700,
            List.of(amd64.digest(), arm64),
            null,
            null,
            Map.of(),
            0);

    assertThatThrownBy(
            () ->
                meta.putManifest(
                    "app",
                    new ManifestMeta(
                        digest("bad-index"),
                        INDEX_TYPE,
                        700,
                        List.of(amd64.digest(), digest("s390x")),
                        null,
                        null,
                        Map.of(),
                        0),
                    "multi"))
        .isInstanceOfSatisfying(
            MissingReferenceException.class,
            e -> assertThat(e.missing()).containsExactly(digest("s390x")));

    meta.putManifest("app", index, "multi");

    assertThat(meta.tag("app", "multi")).contains(index.digest());
    assertThat(meta.blob(arm64)).contains(new BlobMeta(arm64, 500, 1, List.of("app")));
    assertThat(meta.imagesUsing(amd64.digest()))
        .containsExactly(new ImageRef("app", index.digest(), List.of("multi")));
    meta.deleteManifest("app", index.digest());
    assertThat(meta.blob(arm64).orElseThrow().referenceCount()).isZero();
  }

  /** Rewrites the schema record as another release would have left it. */
  private static void writeSchemaVersion(Path dir, int version) throws Exception {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    try (Options options = new Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(options, dir.toString())) {
        descriptors.add(new ColumnFamilyDescriptor(name));
      }
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
      try {
        db.put(
            handles.get(0),
            "schema".getBytes(StandardCharsets.UTF_8),
            SchemaVersion.newBuilder().setVersion(version).build().toByteArray());
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
  }
}
