package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import dev.shoal.proto.index.v1.BlobRecord;
import java.nio.ByteBuffer;

/**
 * Keys and records for the index benchmarks.
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

  /** {@code RECORDS} digests that will be in the index, random in key order. */
  static Digest[] present() {
    return digests(0);
  }

  /** {@code RECORDS} digests that are never in the index. */
  static Digest[] absent() {
    return digests(ABSENT_BASE);
  }

  /** The record stored under every present key: a complete blob, as after a pull. */
  static BlobRecord record(long size) {
    return Records.complete(size, MEDIA_TYPE, 1_700_000_000_000L);
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
}
