package dev.shoal.origin.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.Responses;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The administration API's JSON: answers, errors in the registry's error format ({@code
 * {"errors":[{"code","message"}]}}), and small request bodies.
 */
final class AdminJson {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 16 * 1024;

  private AdminJson() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
    try {
      return Responses.json(status, JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e); // a tree of strings always serializes
    }
  }

  static HttpError error(HttpResponseStatus status, String code, String message) {
    return RegistryErrors.httpError(status, code, message);
  }

  /** Reads a small JSON body, then hands it on. */
  static final class Body implements BodyConsumer {
    interface End {
      void run(Exchange ex, JsonNode body) throws HttpError;
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final End end;

    Body(End end) {
      this.end = end;
    }

    @Override
    public void onData(ByteBuf chunk) throws HttpError, IOException {
      if (bytes.size() + chunk.readableBytes() > MAX_BODY) {
        throw error(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "INVALID_REQUEST", "body too large");
      }
      chunk.readBytes(bytes, chunk.readableBytes());
    }

    @Override
    public void onEnd(Exchange ex) throws HttpError {
      JsonNode body;
      try {
        body = JSON.readTree(bytes.toByteArray());
      } catch (IOException e) {
        throw error(HttpResponseStatus.BAD_REQUEST, "INVALID_REQUEST", "body is not JSON");
      }
      end.run(ex, body == null ? JSON.createObjectNode() : body);
    }
  }
}
