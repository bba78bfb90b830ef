package dev.shoal.core.registry;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A FAKE registry for tests: a JDK {@code HttpServer} on 127.0.0.1 whose answers each test scripts
 * by path. It implements nothing of the distribution spec by itself; it exists only for what the
 * real CNCF registry cannot be made to do here (token service, 503s, redirects to another host,
 * wrong digests). Every request is recorded.
 */
final class FakeRegistry implements AutoCloseable {
  /** What one request carried. */
  record Seen(String method, URI uri, Headers headers, byte[] body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** Scripted answer to one request. */
  @FunctionalInterface
  interface Script {
    void answer(HttpExchange exchange, byte[] body) throws IOException;
  }

  private final HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.start();
  }

  /** Answers requests whose path starts with {@code prefix}. */
  FakeRegistry on(String prefix, Script script) {
    server.createContext(
        prefix,
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Headers copy = new Headers();
            copy.putAll(exchange.getRequestHeaders());
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI(), copy, body));
            script.answer(exchange, body);
          }
        });
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  List<Seen> seen(String pathPrefix) {
    return seen.stream().filter(s -> s.uri().getPath().startsWith(pathPrefix)).toList();
  }

  static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static void send(HttpExchange exchange, int status, Map<String, String> headers, String body)
      throws IOException {
    send(exchange, status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
