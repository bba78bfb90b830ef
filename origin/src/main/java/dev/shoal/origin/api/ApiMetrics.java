package dev.shoal.origin.api;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the registry API. Names as they will be exported: {@code
 * shoal_origin_blob_upload_bytes_total} (request bytes written to uploads) and {@code
 * shoal_origin_blob_mounts_total} (blobs linked by mount, with no bytes sent).
 */
public final class ApiMetrics {
  private final LongAdder uploadBytes = new LongAdder();
  private final LongAdder mounts = new LongAdder();

  void uploaded(long bytes) {
    uploadBytes.add(bytes);
  }

  void mounted() {
    mounts.increment();
  }

  /** Blob bytes clients sent in uploads since start. */
  public long uploadBytes() {
    return uploadBytes.sum();
  }

  public long mounts() {
    return mounts.sum();
  }
}
