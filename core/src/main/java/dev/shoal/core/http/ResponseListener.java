package dev.shoal.core.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Told of every response a server starts to send, to count them. It runs on the thread that
 * responds (an event loop or the I/O executor), so it must be quick, must not block and should not
 * throw (what it throws is logged and otherwise ignored).
 */
@FunctionalInterface
public interface ResponseListener {
  /** Does nothing. */
  ResponseListener NONE = (method, status) -> {};

  void responded(HttpMethod method, HttpResponseStatus status);
}
