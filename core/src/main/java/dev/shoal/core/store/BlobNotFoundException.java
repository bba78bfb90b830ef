package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.io.IOException;

/** The store does not hold the blob whole. */
public final class BlobNotFoundException extends IOException {
  private final Digest digest;

  public BlobNotFoundException(Digest digest) {
    super("blob " + digest + " is not in the store");
    this.digest = digest;
  }

  public Digest digest() {
    return digest;
  }
}
