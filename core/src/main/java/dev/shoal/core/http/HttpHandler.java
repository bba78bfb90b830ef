package dev.shoal.core.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One HTTP endpoint. It runs on a Netty event loop, so it must not block: it only looks at the
 * request and builds the response. (Endpoints that read the disk will hand their work to an
 * executor; they get their own interface when the first of them is written.)
 */
@FunctionalInterface
public interface HttpHandler {
  /**
   * Answers {@code request}; {@code path} is its decoded path without the query. The server adds
   * {@code Content-Length} and drops the body of answers to {@code HEAD}.
   */
  FullHttpResponse handle(HttpRequest request, String path);
}
