package dev.shoal.agent.fetch;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads from {@code first} until it fails, then from {@code then} for the rest of the blob (and for
 * a second try after a digest mismatch): a peer first, the upstream when the peer is gone, stalls
 * or sent wrong bytes.
 */
public final class FailoverSource implements BlobSource {
  private final BlobSource first;
  private final BlobSource then;
  private volatile boolean failedOver;

  public FailoverSource(BlobSource first, BlobSource then) {
    this.first = first;
    this.then = then;
  }

  @Override
  public InputStream open(long offset) throws IOException {
    return failedOver ? then.open(offset) : first.open(offset);
  }

  @Override
  public String name() {
    return failedOver ? then.name() : first.name();
  }

  @Override
  public String kind() {
    return failedOver ? then.kind() : first.kind();
  }

  /** The first source's bytes are the suspects: the one after it is the upstream. */
  @Override
  public void distrust() {
    first.distrust();
  }

  @Override
  public boolean failover() {
    if (failedOver) {
      return false;
    }
    failedOver = true;
    return true;
  }
}
