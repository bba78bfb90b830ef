package dev.shoal.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PieceSizesTest {
  private static final long KIB = 1 << 10;
  private static final long MIB = 1 << 20;
  private static final long GIB = 1L << 30;

  @Test
  void smallBlobs_getTheMinimumOf256Kib() {
    assertThat(PieceSizes.forSize(0)).isEqualTo(256 * KIB);
    assertThat(PieceSizes.forSize(1)).isEqualTo(256 * KIB);
    assertThat(PieceSizes.forSize(5 * MIB)).isEqualTo(256 * KIB);
    assertThat(PieceSizes.forSize(GIB / 4)).as("1024 pieces of 256 KiB").isEqualTo(256 * KIB);
  }

  @Test
  void largerBlobs_doubleThePieceToStayNearAThousandPieces() {
    assertThat(PieceSizes.forSize(GIB / 4 + 1)).isEqualTo(512 * KIB);
    assertThat(PieceSizes.forSize(GIB)).as("1024 pieces of 1 MiB").isEqualTo(MIB);
    assertThat(PieceSizes.forSize(GIB + 1)).isEqualTo(2 * MIB);
    assertThat(PieceSizes.forSize(2 * GIB)).isEqualTo(2 * MIB);
    assertThat(PieceSizes.forSize(3 * GIB)).isEqualTo(4 * MIB);
    assertThat(PieceSizes.forSize(16 * GIB)).isEqualTo(16 * MIB);
  }

  @Test
  void hugeBlobs_stopAtSixteenMib() {
    assertThat(PieceSizes.forSize(16 * GIB + 1)).isEqualTo(16 * MIB);
    assertThat(PieceSizes.forSize(1L << 40)).isEqualTo(16 * MIB);
    assertThat(PieceSizes.forSize(Long.MAX_VALUE / 2)).isEqualTo(16 * MIB);
    assertThat(PieceSizes.forSize(Long.MAX_VALUE)).as("no overflow").isEqualTo(16 * MIB);
  }

  @Test
  void negativeSize_isRefused() {
    assertThatThrownBy(() -> PieceSizes.forSize(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size: -1 (expected: >= 0)");
  }

  @Test
  void everySize_isAPowerOfTwo_withAtMost1024PiecesUpToTheMaximum() {
    for (long size = 1; size > 0 && size < (1L << 45); size = size * 3 + 7) {
      int piece = PieceSizes.forSize(size);
      assertThat(Integer.bitCount(piece)).as("size %d", size).isEqualTo(1);
      assertThat(piece).isBetween((int) (256 * KIB), (int) (16 * MIB));
      long pieces = (size + piece - 1) / piece;
      if (piece < 16 * MIB) {
        assertThat(pieces).as("size %d", size).isLessThanOrEqualTo(1024);
      }
      if (piece > 256 * KIB) {
        assertThat((size + piece / 2 - 1) / (piece / 2))
            .as("half the piece would make too many pieces for size %d", size)
            .isGreaterThan(1024);
      }
    }
  }
}
