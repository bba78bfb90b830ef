package dev.shoal.core.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Native handles (RocksDB options, column families, the database) owned by one index, closed in
 * reverse order of opening: on {@link #close()}, and by an {@code open} that fails half way.
 */
public final class OwnedHandles implements AutoCloseable {
  private final List<AutoCloseable> handles = new ArrayList<>();

  /** Takes ownership of {@code handle} and returns it. */
  public <T extends AutoCloseable> T own(T handle) {
    handles.add(handle);
    return handle;
  }

  @Override
  public void close() {
    for (int i = handles.size() - 1; i >= 0; i--) {
      try {
        handles.get(i).close();
      } catch (Exception e) {
        // Closing native handles of a failed or finished index: nothing left to protect.
      }
    }
    handles.clear();
  }
}
