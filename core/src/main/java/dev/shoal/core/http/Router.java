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
  private final Map<String, RequestHandler> prefixes;
  private final HttpHandler fallback;
  private final ResponseListener listener;

  private Router(
      Map<String, HttpHandler> gets,
      Map<String, RequestHandler> prefixes,
      HttpHandler fallback,
      ResponseListener listener) {
    this.gets = Map.copyOf(gets);
    this.prefixes = Map.copyOf(prefixes);
    this.fallback = fallback;
    this.listener = listener;
  }

  /** Told of every response, whichever route answered. */
  ResponseListener listener() {
    return listener;
  }

  /**
   * The blocking handler for {@code path} when no exact route matches it and a prefix route does
   * (the longest prefix wins); null otherwise.
   */
  RequestHandler routePrefix(String path) {
    if (gets.containsKey(path)) {
      return null;
    }
    RequestHandler best = null;
    int bestLength = -1;
    for (Map.Entry<String, RequestHandler> e : prefixes.entrySet()) {
      if (path.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().length();
      }
    }
    return best;
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
    private final Map<String, RequestHandler> prefixes = new HashMap<>();
    private HttpHandler fallback;
    private ResponseListener listener = ResponseListener.NONE;

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

    /**
     * Routes every method on paths starting with {@code prefix} (and not routed exactly) to a
     * handler that may block and read bodies.
     */
    public Builder prefix(String prefix, RequestHandler handler) {
      requireNonNull(prefix, "prefix");
      requireNonNull(handler, "handler");
      if (prefixes.putIfAbsent(prefix, handler) != null) {
        throw new IllegalArgumentException("prefix: " + prefix + " (expected: routed once)");
      }
      return this;
    }

    /** Handles every request no route matches. */
    public Builder fallback(HttpHandler handler) {
      this.fallback = requireNonNull(handler, "handler");
      return this;
    }

    /** Tells {@code listener} of every response the server sends (to count them). */
    public Builder onResponse(ResponseListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    public Router build() {
      if (fallback == null) {
        throw new IllegalStateException("fallback: null (expected: a handler)");
      }
      return new Router(gets, prefixes, fallback, listener);
    }
  }
}
