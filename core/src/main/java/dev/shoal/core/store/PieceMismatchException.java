package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import java.io.IOException;

/** A piece did not hash to its entry in the piece table; nothing of it was kept. */
public final class PieceMismatchException extends IOException {
  private final Digest blob;
  private final int piece;

  public PieceMismatchException(Digest blob, int piece, Digest expected, Digest actual) {
    super(
        "piece "
            + piece
            + " of blob "
            + blob
            + ": expected "
            + expected
            + " but the bytes hash to "
            + actual);
    this.blob = blob;
    this.piece = piece;
  }

  public Digest blob() {
    return blob;
  }

  public int piece() {
    return piece;
  }
}
