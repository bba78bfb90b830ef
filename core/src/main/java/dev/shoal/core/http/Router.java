package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the handler of a request: exact paths for {@code GET} (which also answer {@code HEAD}), and
 * a fallback for every other path. A known path asked with another method gets 405.
 */
public final class Router {
  private static final HttpHandler METHOD_NOT_ALLOWED =
      (request, path) -> {
        FullHttpResponse response =
            Responses.text(
                HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method " + request.method() + " not allowed on " + path + "\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        return response;
      };

  private final Map<String, HttpHandler> gets;
  private final HttpHandler fallback;

  private Router(Map<String, HttpHandler> gets, HttpHandler fallback) {
    this.gets = Map.copyOf(gets);
    this.fallback = fallback;
  }

  public static Builder builder() {
    return new Builder();
  }

  HttpHandler route(HttpMethod method, String path) {
    HttpHandler handler = gets.get(path);
    if (handler == null) {
      return fallback;
    }
    return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
        ? handler
        : METHOD_NOT_ALLOWED;
  }

  /** Collects routes; {@link #fallback} is required. */
  public static final class Builder {
    private final Map<String, HttpHandler> gets = new HashMap<>();
    private HttpHandler fallback;

    private Builder() {}

    /** Routes {@code GET} and {@code HEAD} of exactly {@code path} to {@code handler}. */
    public Builder get(String path, HttpHandler handler) {
      requireNonNull(path, "path");
      requireNonNull(handler, "handler");
      if (gets.putIfAbsent(path, handler) != null) {
        throw new IllegalArgumentException("path: " + path + " (expected: routed once)");
      }
      return this;
    }

    /** Handles every request no route matches. */
    public Builder fallback(HttpHandler handler) {
      this.fallback = requireNonNull(handler, "handler");
      return this;
    }

    public Router build() {
      if (fallback == null) {
        throw new IllegalStateException("fallback: null (expected: a handler)");
      }
      return new Router(gets, fallback);
    }
  }
}
