package dev.shoal.agent.fetch;

import dev.shoal.core.digest.Digest;
import java.io.IOException;

/** A blob does not fit on the agent's disk: it needs more bytes than the file system has free. */
public final class InsufficientSpaceException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long needed;
  private final long free;

  public InsufficientSpaceException(Digest digest, long needed, long free) {
    super(
        "blob "
            + digest
            + " needs "
            + needed
            + " bytes of disk space on the agent, but only "
            + free
            + " are free");
    this.needed = needed;
    this.free = free;
  }

  /** Bytes the blob still needs on disk. */
  public long needed() {
    return needed;
  }

  /** Bytes free on the agent's file system when it was refused. */
  public long free() {
    return free;
  }
}
