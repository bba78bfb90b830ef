package dev.shoal.core.testing;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP reverse proxy on 127.0.0.1 in front of a registry, for tests of a pull-through mirror. It
 * counts, outside the mirror, what the upstream sent (blob body bytes, requests per path, and each
 * exchange with its {@code User-Agent}) and injects faults that tests switch at runtime: corrupt or
 * cut blob bodies, a held body, an outage.
 *
 * <p>Methods, paths with query, headers (with {@code Authorization} and {@code WWW-Authenticate})
 * and status are relayed as they are; redirects are passed on, never followed. A Bearer challenge
 * keeps naming the real upstream's token realm.
 *
 * <pre>{@code
 * try (UpstreamProxy proxy = UpstreamProxy.start(registry.baseUri())) {
 *   … mirror with upstream proxy.uri() …
 *   proxy.corruptBlobs(true);
 * }
 * }</pre>
 */
public final class UpstreamProxy implements AutoCloseable {
  /** How the proxy answers while the upstream is "down". */
  public enum Outage {
    /** Relays to the upstream. */
    NONE,
    /** Not listening: connections are refused. */
    REFUSE,
    /** Every request answered {@code 503 Service Unavailable}. */
    UNAVAILABLE
  }

  /**
   * One request the proxy answered: method, path (without query), the client's {@code User-Agent}
   * and {@code Range} ({@code ""} when it sent none), the status, and the body bytes sent back.
   */
  public record Exchange(
      String method, String path, String userAgent, String range, int status, long bodyBytes) {
    /** Whether this was a {@code GET} of a blob (not of an upload), whatever its answer. */
    public boolean blobGet() {
      return method.equals("GET") && isBlob(path);
    }
  }

  /** Longest a held blob body waits for {@link Hold#release()}: every wait in a test is bounded. */
  private static final Duration MAX_HOLD = Duration.ofSeconds(30);

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "content-length",
          "host",
          "expect",
          "date");

  private final URI upstream;
  private final int port;
  private final HttpClient client;
  private final ExecutorService threads;
  private final Object serverLock = new Object();
  private HttpServer server; // guarded by serverLock; null while refusing

  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicLong blobBytes = new AtomicLong();
  private volatile boolean corrupt;
  private volatile long cutAfter = -1;
  private volatile boolean ignoreRanges;
  private volatile Outage outage = Outage.NONE;
  private final AtomicReference<Hold> hold = new AtomicReference<>();

  private UpstreamProxy(URI upstream, HttpServer server) {
    this.upstream = upstream;
    this.server = server;
    this.port = server.getAddress().getPort();
    this.threads = Executors.newCachedThreadPool(daemon());
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Starts a proxy of {@code upstream} ({@code http://HOST:PORT}) on an ephemeral port. */
  public static UpstreamProxy start(URI upstream) throws IOException {
    requireNonNull(upstream, "upstream");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    UpstreamProxy proxy = new UpstreamProxy(upstream, server);
    proxy.serve(server);
    return proxy;
  }

  /** {@code http://127.0.0.1:PORT}; the port stays the same across outages. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  // ---- counters ----

  /** Body bytes of blob GET answers the upstream sent through the proxy since the last reset. */
  public long blobBytes() {
    return blobBytes.get();
  }

  /** {@code GET} requests of {@code path} (without query) since the last reset. */
  public int gets(String path) {
    return requests("GET", path);
  }

  /** Requests with {@code method} of {@code path} (without query) since the last reset. */
  public int requests(String method, String path) {
    AtomicInteger n = requests.get(method + " " + path);
    return n == null ? 0 : n.get();
  }

  /** {@code GET} requests of any blob since the last reset. */
  public int blobGets() {
    return requests.entrySet().stream()
        .filter(e -> e.getKey().startsWith("GET ") && isBlob(e.getKey().substring(4)))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  /** Requests of any kind since the last reset. */
  public int totalRequests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * Every exchange since the last reset, in the order the proxy finished answering; one whose
   * client went away mid-answer is missing.
   */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  public void resetCounts() {
    requests.clear();
    exchanges.clear();
    blobBytes.set(0);
  }

  // ---- faults ----

  /** While on, one byte in the middle of every blob body is flipped. */
  public void corruptBlobs(boolean on) {
    corrupt = on;
  }

  /**
   * While on, requests reach the upstream without their {@code Range}: it answers whole blobs, as a
   * registry that does not serve ranges would.
   */
  public void ignoreRanges(boolean on) {
    ignoreRanges = on;
  }

  /** From now on every blob body is cut (the connection closed) after {@code bytes}; -1: never. */
  public void cutBlobsAfter(long bytes) {
    cutAfter = bytes;
  }

  /**
   * From now on blob bodies stop after {@code bytes} until the returned hold is released (or {@link
   * #MAX_HOLD} passed). Replaces an earlier hold, releasing it.
   */
  public Hold holdBlobsAfter(long bytes) {
    Hold h = new Hold(bytes);
    Hold old = hold.getAndSet(h);
    if (old != null) {
      old.release();
    }
    return h;
  }

  /** Starts or ends an outage; {@link Outage#REFUSE} stops listening until it ends. */
  public void outage(Outage mode) throws IOException {
    requireNonNull(mode, "mode");
    synchronized (serverLock) {
      outage = mode;
      if (mode == Outage.REFUSE && server != null) {
        server.stop(0);
        server = null;
      } else if (mode != Outage.REFUSE && server == null) {
        HttpServer s =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        serve(s);
        server = s;
      }
    }
  }

  /** Every fault off: relays faithfully again. */
  public void heal() throws IOException {
    corrupt = false;
    cutAfter = -1;
    ignoreRanges = false;
    Hold h = hold.getAndSet(null);
    if (h != null) {
      h.release();
    }
    outage(Outage.NONE);
  }

  @Override
  public void close() {
    synchronized (serverLock) {
      if (server != null) {
        server.stop(0);
        server = null;
      }
    }
    Hold h = hold.getAndSet(null);
    if (h != null) {
      h.release();
    }
    threads.shutdownNow();
  }

  /** Blob bodies stopped after a number of bytes, until released. */
  public static final class Hold {
    private final long after;
    private final AtomicInteger bodies = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    private Hold(long after) {
      this.after = after;
    }

    /** Waits until a blob body reached the hold; false if none did within {@code timeout}. */
    public boolean awaitHeld(Duration timeout) throws InterruptedException {
      return awaitHeld(1, timeout);
    }

    /**
     * Waits until {@code count} blob bodies are held at once; false if they were not within {@code
     * timeout}.
     */
    public boolean awaitHeld(int count, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (bodies.get() < count) {
        if (System.nanoTime() - end > 0) {
          return false;
        }
        Thread.sleep(10);
      }
      return true;
    }

    /** Lets held bodies (and later ones) go on. */
    public void release() {
      released.countDown();
    }

    private void pause() throws IOException {
      bodies.incrementAndGet();
      try {
        if (!released.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IOException("hold not released within " + MAX_HOLD);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while holding a blob body", e);
      }
    }
  }

  // ---- relaying ----

  private void serve(HttpServer s) {
    s.setExecutor(threads);
    s.createContext("/", this::handle);
    s.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = ex.getRequestURI().getRawPath();
      requests.computeIfAbsent(method + " " + path, k -> new AtomicInteger()).incrementAndGet();
      String userAgent = ex.getRequestHeaders().getFirst("User-Agent");
      String range = ex.getRequestHeaders().getFirst("Range");
      Answered a = answer(ex, method, path);
      exchanges.add(
          new Exchange(
              method,
              path,
              userAgent == null ? "" : userAgent,
              range == null ? "" : range,
              a.status(),
              a.bodyBytes()));
    }
  }

  /** What the proxy sent back. */
  private record Answered(int status, long bodyBytes) {}

  /** Answers the request, from the upstream or as the outage has it. */
  private Answered answer(HttpExchange ex, String method, String path) throws IOException {
    if (outage != Outage.NONE) {
      byte[] body =
          "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"upstream down (test)\"}]}"
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(503, method.equals("HEAD") ? -1 : body.length);
      if (method.equals("HEAD")) {
        return new Answered(503, 0);
      }
      ex.getResponseBody().write(body);
      return new Answered(503, body.length);
    }
    HttpResponse<InputStream> answer;
    try {
      answer = client.send(forward(ex, method), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(502, -1);
      return new Answered(502, 0);
    } catch (IOException e) {
      ex.sendResponseHeaders(502, -1);
      return new Answered(502, 0);
    }
    try (InputStream in = answer.body()) {
      return new Answered(answer.statusCode(), relay(ex, method, path, answer, in));
    }
  }

  private HttpRequest forward(HttpExchange ex, String method) throws IOException {
    URI target = upstream.resolve(ex.getRequestURI().getRawPath());
    String query = ex.getRequestURI().getRawQuery();
    if (query != null) {
      target = URI.create(target + "?" + query);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || (ignoreRanges && name.equals("range"))) {
        continue;
      }
      for (String v : h.getValue()) {
        try {
          b.header(h.getKey(), v);
        } catch (IllegalArgumentException e) {
          // A header the JDK client sets itself (restricted): the upstream gets the client's own.
        }
      }
    }
    byte[] body = ex.getRequestBody().readAllBytes();
    b.method(
        method,
        body.length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return b.build();
  }

  /** Relays the upstream's answer; returns the body bytes sent on. */
  private long relay(
      HttpExchange ex, String method, String path, HttpResponse<InputStream> answer, InputStream in)
      throws IOException {
    Headers out = ex.getResponseHeaders();
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                out.put(name, values);
              }
            });
    long length = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
    int status = answer.statusCode();
    if (method.equals("HEAD") || status == 204 || status == 304) {
      if (length >= 0 && method.equals("HEAD")) {
        out.set("Content-Length", Long.toString(length));
      }
      ex.sendResponseHeaders(status, -1);
      return 0;
    }
    // 0 to the JDK server means "chunked"; -1 means "no body".
    ex.sendResponseHeaders(status, length == 0 ? -1 : Math.max(length, 0));
    boolean blob = method.equals("GET") && isBlob(path) && status / 100 == 2;
    return copy(in, ex.getResponseBody(), blob, length);
  }

  /** Copies the body, applying the faults to a blob's; returns the bytes copied. */
  private long copy(InputStream in, OutputStream out, boolean blob, long length)
      throws IOException {
    long cut = blob ? cutAfter : -1;
    long flipAt = blob && corrupt ? Math.max(0, length / 2) : -1;
    Hold h = blob ? hold.get() : null;
    byte[] buffer = new byte[64 << 10];
    long sent = 0;
    while (true) {
      if (h != null && sent >= h.after) {
        out.flush();
        h.pause();
        h = null;
      }
      if (cut >= 0 && sent >= cut) {
        // Returning short of the announced length makes the JDK server drop the connection.
        out.flush();
        return sent;
      }
      long limit = buffer.length;
      if (cut >= 0) {
        limit = Math.min(limit, cut - sent);
      }
      if (h != null) {
        limit = Math.min(limit, h.after - sent);
      }
      int n = in.read(buffer, 0, (int) limit);
      if (n < 0) {
        return sent;
      }
      if (flipAt >= sent && flipAt < sent + n) {
        buffer[(int) (flipAt - sent)] ^= 0x01;
      }
      out.write(buffer, 0, n);
      sent += n;
      if (blob) {
        blobBytes.addAndGet(n);
      }
    }
  }

  private static boolean isBlob(String path) {
    return path.startsWith("/v2/") && path.contains("/blobs/") && !path.contains("/uploads/");
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "upstream-proxy-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
