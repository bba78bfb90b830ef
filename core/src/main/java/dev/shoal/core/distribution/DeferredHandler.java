package dev.shoal.core.distribution;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.RequestHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * A handler whose real implementation is handed over later: the HTTP port listens from the first
 * moment (so probes answer while stores open), and requests get 503 {@code UNAVAILABLE} with a
 * retry hint until {@link #open} is called.
 */
public final class DeferredHandler implements RequestHandler {
  private final String startingMessage;
  private volatile RequestHandler real;

  /**
   * @param startingMessage the 503's message, e.g. "the agent is starting; retry shortly"
   */
  public DeferredHandler(String startingMessage) {
    this.startingMessage = requireNonNull(startingMessage, "startingMessage");
  }

  /** Starts serving with {@code handler}. */
  public void open(RequestHandler handler) {
    this.real = requireNonNull(handler, "handler");
  }

  @Override
  public BodyConsumer handle(Exchange exchange) throws Exception {
    RequestHandler h = real;
    if (h == null) {
      exchange.respond(
          RegistryErrors.error(
              HttpResponseStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", startingMessage, Map.of()));
      return null;
    }
    return h.handle(exchange);
  }
}
