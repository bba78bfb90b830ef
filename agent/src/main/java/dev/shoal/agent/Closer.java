package dev.shoal.agent;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent opened, closed in the reverse order of {@link #add}: a component closes before
 * those it uses. A failure closing one is logged and does not keep the others open.
 */
final class Closer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Closer.class);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Registers {@code c} and hands it back. */
  synchronized <T extends AutoCloseable> T add(T c) {
    opened.push(c);
    return c;
  }

  @Override
  public synchronized void close() {
    while (!opened.isEmpty()) {
      AutoCloseable c = opened.pop();
      try {
        c.close();
      } catch (Exception e) {
        // Nothing more can be done at shutdown; stores recover on their next open.
        log.error("closing {} failed", c.getClass().getSimpleName(), e);
      }
    }
  }
}
