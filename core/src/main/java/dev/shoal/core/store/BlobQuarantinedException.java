package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.io.IOException;

/** The blob is held but quarantined: it must not be served to anyone. */
public final class BlobQuarantinedException extends IOException {
  private final Digest digest;
  private final String reason;

  public BlobQuarantinedException(Digest digest, String reason) {
    super("blob " + digest + " is quarantined: " + reason);
    this.digest = digest;
    this.reason = reason;
  }

  public Digest digest() {
    return digest;
  }

  public String reason() {
    return reason;
  }
}
