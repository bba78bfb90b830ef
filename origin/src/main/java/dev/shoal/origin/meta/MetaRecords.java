package dev.shoal.origin.meta;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.store.IndexException;
import dev.shoal.proto.events.v1.Event;
import dev.shoal.proto.events.v1.EventType;
import dev.shoal.proto.index.v1.OriginManifestRecord;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Converts between the metadata records of this package and their {@code shoal.index.v1} and {@code
 * shoal.events.v1} messages, refusing records written by a newer Shoal.
 */
final class MetaRecords {
  /** The layout version of every record this code writes. */
  static final int RECORD_FORMAT = 1;

  private MetaRecords() {}

  /** Parses a stored value, naming {@code what} when it is unreadable or too new. */
  static <T extends MessageLite> T parse(
      Parser<T> parser, ToIntFunction<T> format, String what, byte[] raw) throws IndexException {
    T record;
    try {
      record = parser.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IndexException("record of " + what + " is unreadable: " + e.getMessage());
    }
    int found = format.applyAsInt(record);
    if (found > RECORD_FORMAT) {
      throw new IndexException(
          "record of "
              + what
              + " has format "
              + found
              + " (expected: <= "
              + RECORD_FORMAT
              + "); it was written by a newer Shoal");
    }
    return record;
  }

  static OriginManifestRecord.Builder manifestRecord(ManifestMeta m, long pushedMillis) {
    OriginManifestRecord.Builder b =
        OriginManifestRecord.newBuilder()
            .setFormat(RECORD_FORMAT)
            .setDigest(m.digest().toString())
            .setMediaType(m.mediaType())
            .setSize(m.size())
            .putAllAnnotations(m.annotations())
            .setPushedMillis(pushedMillis);
    m.references().forEach(r -> b.addReferences(r.toString()));
    if (m.subject() != null) {
      b.setSubject(m.subject().toString());
    }
    if (m.artifactType() != null) {
      b.setArtifactType(m.artifactType());
    }
    return b;
  }

  static ManifestMeta manifestMeta(OriginManifestRecord r) {
    List<Digest> references = r.getReferencesList().stream().map(Digest::parse).toList();
    return new ManifestMeta(
        Digest.parse(r.getDigest()),
        r.getMediaType(),
        r.getSize(),
        references,
        r.hasSubject() ? Digest.parse(r.getSubject()) : null,
        r.hasArtifactType() ? r.getArtifactType() : null,
        r.getAnnotationsMap(),
        r.getPushedMillis());
  }

  static Event event(
      long cursor, RegistryEvent.Type type, String repository, Digest digest, String tag, long at) {
    return Event.newBuilder()
        .setCursor(cursor)
        .setType(
            type == RegistryEvent.Type.PUSHED
                ? EventType.EVENT_TYPE_PUSHED
                : EventType.EVENT_TYPE_DELETED)
        .setRepository(repository)
        .setDigest(digest.toString())
        .setTag(tag == null ? "" : tag)
        .setTimeMillis(at)
        .build();
  }

  static RegistryEvent registryEvent(byte[] raw) throws IndexException {
    Event e;
    try {
      e = Event.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new IndexException("event record is unreadable: " + ex.getMessage());
    }
    RegistryEvent.Type type =
        switch (e.getType()) {
          case EVENT_TYPE_PUSHED -> RegistryEvent.Type.PUSHED;
          case EVENT_TYPE_DELETED -> RegistryEvent.Type.DELETED;
          default ->
              throw new IndexException(
                  "event "
                      + e.getCursor()
                      + " has type "
                      + e.getType()
                      + " (expected: PUSHED or DELETED); it was written by a newer Shoal");
        };
    return new RegistryEvent(
        e.getCursor(),
        type,
        e.getRepository(),
        Digest.parse(e.getDigest()),
        e.getTag().isEmpty() ? null : e.getTag(),
        e.getTimeMillis());
  }
}
