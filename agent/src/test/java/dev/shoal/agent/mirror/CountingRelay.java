package dev.shoal.agent.mirror;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A plain HTTP/1.1 relay on 127.0.0.1 in front of an upstream registry. It passes every byte on
 * unchanged and records each exchange: method, path, {@code User-Agent}, status and the body bytes
 * the upstream sent back. What it counts is what left the upstream, whoever asked for it.
 */
final class CountingRelay implements AutoCloseable {
  private static final Pattern BLOB = Pattern.compile("^/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+$");
  private static final int TIMEOUT_MS = 60_000;
  private static final int MAX_HEAD = 64 << 10;

  /** One request the relay passed on, and the answer's body size. */
  record Exchange(String method, String path, String userAgent, int status, long bodyBytes) {
    boolean blobGet() {
      return method.equals("GET") && BLOB.matcher(path).matches();
    }
  }

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

  private CountingRelay(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** Starts relaying from a free port of 127.0.0.1 to {@code upstream} ({@code http://} only). */
  static CountingRelay start(URI upstream) throws IOException {
    if (!"http".equals(upstream.getScheme())) {
      throw new IllegalArgumentException("upstream: " + upstream + " (expected: http://)");
    }
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    CountingRelay relay =
        new CountingRelay(server, new InetSocketAddress(upstream.getHost(), upstream.getPort()));
    relay.threads.execute(relay::acceptLoop);
    return relay;
  }

  /** {@code http://127.0.0.1:PORT}. */
  URI uri() {
    return URI.create("http://" + hostPort());
  }

  String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Every exchange so far, in the order they finished. */
  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Blob body bytes the upstream sent since exchange number {@code from}. */
  long blobBytesSince(int from) {
    List<Exchange> all = exchanges();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(Exchange::blobGet)
        .mapToLong(Exchange::bodyBytes)
        .sum();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        threads.execute(() -> relay(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client) {
    Socket up = new Socket();
    open.add(up);
    try (client;
        up) {
      up.connect(target, 5_000);
      client.setSoTimeout(TIMEOUT_MS);
      up.setSoTimeout(TIMEOUT_MS);
      InputStream fromClient = new BufferedInputStream(client.getInputStream());
      OutputStream toClient = new BufferedOutputStream(client.getOutputStream());
      InputStream fromUp = new BufferedInputStream(up.getInputStream());
      OutputStream toUp = new BufferedOutputStream(up.getOutputStream());
      while (true) {
        Head req = Head.read(fromClient);
        if (req == null) {
          return;
        }
        toUp.write(req.raw);
        copyBody(req, false, fromClient, toUp);
        toUp.flush();
        Head resp = Head.read(fromUp);
        if (resp == null) {
          return;
        }
        toClient.write(resp.raw);
        String[] line = req.start.split(" ");
        boolean head = line[0].equals("HEAD");
        int status = Integer.parseInt(resp.start.split(" ")[1]);
        boolean bodiless = head || status / 100 == 1 || status == 204 || status == 304;
        long n = bodiless ? 0 : copyBody(resp, true, fromUp, toClient);
        toClient.flush();
        String path = line[1].split("\\?", 2)[0];
        exchanges.add(new Exchange(line[0], path, req.header("user-agent"), status, n));
        if (n < 0 || "close".equalsIgnoreCase(resp.header("connection"))) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // One side hung up or sent what this relay does not parse: that connection ends here, as
      // it would at the upstream; the exchanges before it are recorded.
    } finally {
      open.remove(client);
      open.remove(up);
    }
  }

  /**
   * Copies a message body as its head frames it (RFC 9112 section 6.3) and returns its length; a
   * response without a length runs to the end of the connection (-1: no more exchanges on it).
   */
  private static long copyBody(Head h, boolean response, InputStream in, OutputStream out)
      throws IOException {
    if (h.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
      long total = 0;
      while (true) {
        String size = line(in);
        out.write((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        long n = Long.parseLong(size.split(";", 2)[0].strip(), 16);
        if (n == 0) {
          for (String t = line(in); ; t = line(in)) {
            out.write((t + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (t.isEmpty()) {
              return total;
            }
          }
        }
        copy(in, out, n + 2);
        total += n;
      }
    }
    String length = h.header("content-length");
    if (!length.isEmpty()) {
      long n = Long.parseLong(length.strip());
      copy(in, out, n);
      return n;
    }
    if (!response) {
      return 0;
    }
    in.transferTo(out);
    return -1;
  }

  private static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[64 << 10];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new EOFException(n + " bytes short");
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0 || b.size() > MAX_HEAD) {
        throw new EOFException("line cut short");
      }
      b.write(c);
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** A request or response head: start line and headers, and its bytes as they came. */
  private record Head(byte[] raw, String start, Map<String, String> headers) {
    String header(String name) {
      return headers.getOrDefault(name, "");
    }

    /** The next head, or null at a clean end of the connection. */
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      in.mark(1);
      if (in.read() < 0) {
        return null;
      }
      in.reset();
      String start = line(in);
      raw.write((start + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String l = line(in); !l.isEmpty(); l = line(in)) {
        raw.write((l + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int colon = l.indexOf(':');
        if (colon > 0) {
          headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        if (raw.size() > MAX_HEAD) {
          throw new IOException("head longer than " + MAX_HEAD);
        }
      }
      raw.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      return new Head(raw.toByteArray(), start, headers);
    }
  }
}
