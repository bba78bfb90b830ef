package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;

/** {@code GET /readyz}: 200 once the role can serve (its store is open), 503 with why otherwise. */
public final class ReadinessHandler implements HttpHandler {
  private final Readiness readiness;

  public ReadinessHandler(Readiness readiness) {
    this.readiness = requireNonNull(readiness, "readiness");
  }

  @Override
  public FullHttpResponse handle(HttpRequest request, String path) {
    Optional<String> reason = readiness.notReadyReason();
    FullHttpResponse response =
        reason.isEmpty()
            ? Responses.text(HttpResponseStatus.OK, "ready\n")
            : Responses.text(
                HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + reason.get() + "\n");
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }
}
