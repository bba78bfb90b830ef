package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Keys, records and filled indexes for the index benchmarks.
 *
 * <p>This class and the benchmarks beside it live in {@code dev.shoal.core.store} inside the bench
 * module, a split package, so that they can reach the package-private {@link BlobIndex}, {@link
 * Records} and {@link BlobPaths}. That is fine for a benchmark: it runs from the shaded jar on the
 * class path (no modules), where both halves of the package load in one class loader. Production
 * code must not do this.
 */
final class IndexFixture {
  /** Records in the index before measuring. */
  static final int RECORDS = 100_000;

  /** Counters of keys that are never written, so lookups of them miss. */
  private static final long ABSENT_BASE = 1L << 40;

  static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  private IndexFixture() {}

  /** The record stored under every present key: a complete blob, as after a pull. */
  static BlobRecord record(long size) {
    return Records.complete(size, MEDIA_TYPE, 1_700_000_000_000L);
  }

  /**
   * Writes {@code record} under every key to the index in {@code dir}, then closes it: opening it
   * again replays the write-ahead log into an SST file, as after a restart.
   */
  static void fill(Path dir, Digest[] keys, BlobRecord record) throws IndexException {
    try (BlobIndex index = BlobIndex.open(dir)) {
      for (Digest d : keys) {
        index.putRelaxed(d, record);
      }
    }
  }

  private static Digest[] digests(long base) {
    Digest[] out = new Digest[RECORDS];
    byte[] counter = new byte[Long.BYTES];
    for (int i = 0; i < RECORDS; i++) {
      ByteBuffer.wrap(counter).putLong(base + i);
      out[i] = Digest.sha256Of(counter);
    }
    return out;
  }

  /**
   * {@code RECORDS} keys that will be in the index and as many that never are, handed out in order
   * and from the start again after the last, so that each key comes up once per {@code RECORDS}
   * operations. Not thread-safe: one per benchmark state.
   */
  static final class Keys {
    private final Digest[] present = digests(0);
    private final Digest[] absent = digests(ABSENT_BASE);
    private int next;

    /** The keys to fill the index with, random in key order. */
    Digest[] present() {
      return present;
    }

    Digest nextPresent() {
      return present[nextSlot()];
    }

    Digest nextAbsent() {
      return absent[nextSlot()];
    }

    private int nextSlot() {
      int i = next;
      next = i + 1 == RECORDS ? 0 : i + 1;
      return i;
    }
  }
}
