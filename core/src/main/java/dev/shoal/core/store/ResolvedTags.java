package dev.shoal.core.store;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import dev.shoal.proto.index.v1.TagRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Tags a mirror resolved at its upstreams, kept in the index next to the blobs so that they outlive
 * a restart: with the upstream unreachable the mirror still knows what a tag meant. The name is the
 * caller's, such as {@code <upstream>/<repository>:<tag>}.
 */
public final class ResolvedTags {
  private final BlobIndex index;

  ResolvedTags(BlobIndex index) {
    this.index = index;
  }

  public Optional<ResolvedTag> get(String name) throws IOException {
    requireNonNull(name, "name");
    Optional<TagRecord> r = index.getTag(name);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    try {
      TagRecord t = r.get();
      return Optional.of(
          new ResolvedTag(
              Digest.parse(t.getDigest()),
              t.getMediaType(),
              t.getSize(),
              Instant.ofEpochMilli(t.getResolvedMillis())));
    } catch (InvalidDigestException e) {
      throw new IndexException("tag " + name + " holds a bad digest: " + e.getMessage());
    }
  }

  public void put(String name, ResolvedTag tag) throws IOException {
    requireNonNull(name, "name");
    requireNonNull(tag, "tag");
    index.putTag(
        name,
        TagRecord.newBuilder()
            .setDigest(tag.digest().toString())
            .setMediaType(tag.mediaType())
            .setSize(tag.size())
            .setResolvedMillis(tag.resolved().toEpochMilli())
            .build());
  }
}
