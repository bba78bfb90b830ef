package dev.shoal.core.distribution;

import dev.shoal.core.http.HttpHandler;
import dev.shoal.core.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every request no route matches: under {@code /v2/} a registry error ({@code UNSUPPORTED}, no such
 * endpoint on this server) so that clients show a readable reason; elsewhere a plain 404.
 */
public final class UnknownEndpointHandler implements HttpHandler {
  @Override
  public FullHttpResponse handle(HttpRequest request, String path) {
    if (path.startsWith("/v2/")) {
      return RegistryErrors.error(
          HttpResponseStatus.NOT_FOUND,
          "UNSUPPORTED",
          "no such registry endpoint on this Shoal server",
          detail(request, path));
    }
    return Responses.text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
  }

  private static Map<String, String> detail(HttpRequest request, String path) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("method", request.method().name());
    detail.put("path", path);
    return detail;
  }
}
