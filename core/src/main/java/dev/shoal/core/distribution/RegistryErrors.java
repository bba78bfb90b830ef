package dev.shoal.core.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * Error answers of the registry API, as the OCI Distribution Specification v1.1 words them (section
 * "Error Codes"): {@code {"errors":[{"code":..., "message":..., "detail":...}]}}.
 */
public final class RegistryErrors {
  /** The header every {@code /v2/} answer carries; Docker clients check it on {@code GET /v2/}. */
  public static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";

  public static final String API_VERSION = "registry/2.0";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryErrors() {}

  /** A handler's failure answered with {@link #error} and no detail. */
  public static HttpError httpError(HttpResponseStatus status, String code, String message) {
    return new HttpError(code + ": " + message, () -> error(status, code, message, Map.of()));
  }

  /** An error response with one error; {@code detail} values are strings. */
  public static FullHttpResponse error(
      HttpResponseStatus status, String code, String message, Map<String, String> detail) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putArray("errors").addObject();
    error.put("code", code).put("message", message);
    ObjectNode details = error.putObject("detail");
    detail.forEach(details::put);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // A tree of strings always serializes.
      throw new IllegalStateException(e);
    }
    FullHttpResponse response = Responses.json(status, bytes);
    response.headers().set(API_VERSION_HEADER, API_VERSION);
    return response;
  }
}
