package dev.shoal.core.http;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.function.Supplier;

/**
 * Thrown by a {@link RequestHandler} or {@link BodyConsumer} to answer with an error response (the
 * registry's error JSON, say) instead of 500.
 */
public final class HttpError extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Supplier<FullHttpResponse> response;

  public HttpError(String message, Supplier<FullHttpResponse> response) {
    super(message, null, false, false);
    this.response = response;
  }

  /** A fresh response each call: a Netty response can be written only once. */
  public FullHttpResponse response() {
    return response.get();
  }
}
