package dev.shoal.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns an unexpected registry answer into a {@link RegistryException} with its OCI codes. */
final class ErrorBodies {
  /** Error bodies are small; a registry that sends more is not read further. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorBodies() {}

  /** Reads (at most {@link #MAX_ERROR_BODY} of) the body, closes it, and builds the exception. */
  static RegistryException toException(String what, HttpResponse<InputStream> response) {
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      // The status alone still says what went wrong; the body was only a detail.
      body = new byte[0];
    }
    return toException(
        what,
        response.statusCode(),
        body,
        response.headers().firstValue("WWW-Authenticate").orElse(null));
  }

  static RegistryException toException(String what, int status, byte[] body) {
    return toException(what, status, body, null);
  }

  private static RegistryException toException(
      String what, int status, byte[] body, String challenge) {
    List<RegistryError> errors = parse(body);
    String message =
        what
            + ": HTTP "
            + status
            + (errors.isEmpty()
                ? ""
                : " "
                    + errors.stream()
                        .map(
                            e -> e.code() + (e.message().isEmpty() ? "" : " (" + e.message() + ")"))
                        .toList());
    if (status == 404) {
      return new NotFoundException(message, errors);
    }
    if (status == 401 || status == 403) {
      return new UnauthorizedException(message, status, errors, challenge);
    }
    return new RegistryException(message, status, errors);
  }

  /** The {@code errors} array of an OCI error body; empty when the body is not one. */
  static List<RegistryError> parse(byte[] body) {
    List<RegistryError> out = new ArrayList<>();
    JsonNode root;
    try {
      root = JSON.readTree(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      // Not JSON (an HTML page from a proxy, say): the status is all there is.
      return out;
    }
    if (root == null || !root.path("errors").isArray()) {
      return out;
    }
    for (JsonNode e : root.path("errors")) {
      JsonNode detail = e.path("detail");
      out.add(
          new RegistryError(
              e.path("code").isTextual() ? e.path("code").asText() : "UNKNOWN",
              e.path("message").isTextual() ? e.path("message").asText() : "",
              detail.isMissingNode() || detail.isNull() ? "" : detail.toString()));
    }
    return out;
  }
}
