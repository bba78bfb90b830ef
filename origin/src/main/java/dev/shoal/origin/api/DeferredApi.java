package dev.shoal.origin.api;

import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.RequestHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * The registry API before the stores are open: the HTTP port listens from the first moment (so
 * probes answer), and API requests get 503 until {@link #open} hands over the real API.
 */
public final class DeferredApi implements RequestHandler {
  private volatile RequestHandler api;

  /** Starts serving the registry API; before this, API requests are answered 503. */
  void open(RequestHandler real) {
    this.api = real;
  }

  @Override
  public BodyConsumer handle(Exchange exchange) throws Exception {
    RequestHandler real = api;
    if (real == null) {
      exchange.respond(
          RegistryErrors.error(
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "UNAVAILABLE",
              "the origin is starting; retry shortly",
              Map.of()));
      return null;
    }
    return real.handle(exchange);
  }
}
