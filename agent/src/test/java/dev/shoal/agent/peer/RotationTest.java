package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The health probe's turns: a large fleet is probed a slice per round, every member in turn. */
class RotationTest {
  @Test
  void aShortListComesWholeEveryTime() {
    Rotation<Integer> r = new Rotation<>(4);
    assertThat(r.next(List.of(1, 2, 3))).containsExactly(1, 2, 3);
    assertThat(r.next(List.of(1, 2, 3))).containsExactly(1, 2, 3);
  }

  @Test
  void aLongListComesInSlices_andEveryElementEquallyOften() {
    List<Integer> members = IntStream.range(0, 10).boxed().toList();
    Rotation<Integer> r = new Rotation<>(3);
    Map<Integer, Integer> seen = new HashMap<>();
    List<List<Integer>> rounds = new ArrayList<>();
    for (int round = 0; round < 10; round++) { // 30 probes: each of 10 members 3 times
      List<Integer> slice = r.next(members);
      rounds.add(slice);
      assertThat(slice).hasSize(3).doesNotHaveDuplicates();
      slice.forEach(m -> seen.merge(m, 1, Integer::sum));
    }
    assertThat(rounds.get(0)).containsExactly(0, 1, 2);
    assertThat(rounds.get(3)).containsExactly(9, 0, 1); // wraps around
    assertThat(seen)
        .hasSize(10)
        .allSatisfy((m, n) -> assertThat(n).as("member %d", m).isEqualTo(3));
  }

  @Test
  void aShrinkingListStillWrapsInside() {
    Rotation<Integer> r = new Rotation<>(2);
    r.next(List.of(0, 1, 2, 3, 4, 5, 6, 7));
    r.next(List.of(0, 1, 2, 3, 4, 5, 6, 7));
    r.next(List.of(0, 1, 2, 3, 4, 5, 6, 7)); // the next slice would start at 6
    assertThat(r.next(List.of(0, 1, 2, 3, 4))).containsExactly(1, 2);
  }

  @Test
  void refusesAnEmptySlice() {
    assertThatThrownBy(() -> new Rotation<>(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
