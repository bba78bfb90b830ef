package dev.shoal.agent.peer;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes a list a slice at a time, in turn: each call returns the next {@code perCall} elements
 * after those the last call returned, wrapping around, so every element comes up once every {@code
 * size / perCall} calls. A list no longer than {@code perCall} is returned whole. Not thread-safe.
 */
final class Rotation<T> {
  private final int perCall;
  private int next;

  Rotation(int perCall) {
    if (perCall < 1) {
      throw new IllegalArgumentException("perCall: " + perCall + " (expected: >= 1)");
    }
    this.perCall = perCall;
  }

  List<T> next(List<T> all) {
    int n = all.size();
    if (n <= perCall) {
      return all;
    }
    int start = next % n;
    List<T> slice = new ArrayList<>(perCall);
    for (int i = 0; i < perCall; i++) {
      slice.add(all.get((start + i) % n));
    }
    next = (start + perCall) % n;
    return slice;
  }
}
