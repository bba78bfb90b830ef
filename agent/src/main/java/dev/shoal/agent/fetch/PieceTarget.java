package dev.shoal.agent.fetch;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;

/** The blob a {@link ParallelSource} downloads into: which pieces it lacks, and where they go. */
public interface PieceTarget {
  Digest digest();

  long size();

  int pieceSize();

  int pieceCount();

  /** The length of piece {@code piece} (the last one may be short). */
  int lengthOf(int piece);

  /** The pieces written so far (a copy). */
  BitSet written();

  /**
   * Stores piece {@code piece}, already checked against the piece table, sent by {@code from} (as
   * {@code peer HOST:PORT}, for provenance). Readers see it at once when it extends the bytes held
   * from offset 0. A piece already written is ignored.
   *
   * @throws IOException when the store cannot write it: the download cannot go on
   */
  void write(int piece, ByteBuffer data, String from) throws IOException;

  /** Piece {@code piece} from {@code from} failed the piece table: counted, never written. */
  void rejected(int piece, String from);

  /** Whether the agent is stopping: the download ends, keeping its pieces. */
  boolean stopped();
}
