package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.util.List;

/** The blob is pinned or used (by a running container, say), so it may not be removed. */
public final class BlobInUseException extends IOException {
  private final Digest digest;

  public BlobInUseException(Digest digest, List<String> pins, List<String> holders) {
    super(
        "blob "
            + digest
            + (pins.isEmpty() ? "" : " is pinned " + pins)
            + (pins.isEmpty() || holders.isEmpty() ? "" : " and")
            + (holders.isEmpty() ? "" : " is in use by " + holders)
            + "; unpin it or stop its users first");
    this.digest = digest;
  }

  public Digest digest() {
    return digest;
  }
}
