package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.fetch.PieceSizes;
import dev.shoal.proto.peer.v1.HaveResponse;
import org.junit.jupiter.api.Test;

/** A holder that cuts a blob into other pieces (another version's piece size) is not a source. */
class SamePiecesTest {
  private static final long SIZE = 100L << 20;

  @Test
  void aHolderWithThisAgentsPieceSize_isASource_oneWithAnother_isNot() {
    int mine = PieceSizes.forSize(SIZE);
    assertThat(SwarmDownload.samePieces(holder(mine), SIZE)).isTrue();
    assertThat(SwarmDownload.samePieces(holder(mine * 2), SIZE)).isFalse();
    assertThat(SwarmDownload.samePieces(holder(mine / 2), SIZE)).isFalse();
  }

  private static HaveResponse holder(int pieceSize) {
    return HaveResponse.newBuilder()
        .setHeld(true)
        .setComplete(true)
        .setSize(SIZE)
        .setPieceSize(pieceSize)
        .build();
  }
}
