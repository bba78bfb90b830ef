package dev.shoal.core.http;

/**
 * An endpoint that may block (disk, RocksDB, hashing) and may read a request body of any size. It
 * runs on the server's I/O executor, never on an event loop, one request of a connection at a time.
 */
@FunctionalInterface
public interface RequestHandler {
  /**
   * Starts answering {@code exchange}. Either respond now through the exchange and return null (any
   * request body is then discarded), or return a {@link BodyConsumer} that receives the body and
   * responds at its end.
   */
  BodyConsumer handle(Exchange exchange) throws Exception;
}
