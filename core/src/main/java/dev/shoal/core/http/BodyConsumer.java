package dev.shoal.core.http;

import io.netty.buffer.ByteBuf;

/**
 * Receives a request body chunk by chunk, in order, on the I/O executor. The server reads the next
 * chunk from the socket only after the previous one was consumed, so a slow disk slows the client
 * instead of filling memory.
 */
public interface BodyConsumer {
  /** One chunk; the server releases it after this returns. */
  void onData(ByteBuf chunk) throws Exception;

  /** The body is complete: respond through {@code exchange}. */
  void onEnd(Exchange exchange) throws Exception;

  /** The client went away or an earlier step failed; clean up (delete temporary files). */
  default void onAbort(Throwable cause) {}
}
