package dev.shoal.agent.fetch;

import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.Hashing;
import java.nio.ByteBuffer;

/** The hash of one piece in a piece table: SHA-256, whatever the blob's digest algorithm. */
public final class PieceHashing {
  public static final int LENGTH = 32;

  private PieceHashing() {}

  /** The SHA-256 of {@code data}'s remaining bytes, not consuming them. */
  public static byte[] sha256(ByteBuffer data) {
    Hashing h = new Hashing(DigestAlgorithm.SHA256);
    h.update(data.duplicate());
    return h.digest().bytes();
  }
}
