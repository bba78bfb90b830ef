package dev.shoal.core.store;

import java.io.IOException;

/** A RocksDB operation of the store index failed; the message names the operation and the key. */
public final class IndexException extends IOException {
  public IndexException(String message) {
    super(message);
  }

  public IndexException(String operation, Throwable cause) {
    super("index " + operation + " failed: " + cause.getMessage(), cause);
  }
}
