package dev.shoal.core.distribution;

import dev.shoal.core.http.HttpHandler;
import dev.shoal.core.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v2/}: tells a client that this is a registry speaking the v2 API (OCI Distribution
 * Specification v1.1, "Determining support"). Pulls through the mirror are anonymous here: the
 * upstream decides who may pull what.
 */
public final class ApiVersionHandler implements HttpHandler {
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

  @Override
  public FullHttpResponse handle(HttpRequest request, String path) {
    FullHttpResponse response = Responses.json(HttpResponseStatus.OK, EMPTY_OBJECT);
    response.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    return response;
  }
}
