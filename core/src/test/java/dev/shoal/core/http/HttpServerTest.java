package dev.shoal.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shoal.core.config.HostPort;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HttpServerTest {
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Readiness readiness = new Readiness();
  private final Router router =
      Router.builder()
          .get("/healthz", new HealthHandler())
          .get("/readyz", new ReadinessHandler(readiness))
          .get(
              "/boom",
              (request, path) -> {
                throw new IllegalStateException("handler bug");
              })
          .fallback((request, path) -> Responses.text(HttpResponseStatus.NOT_FOUND, "nope\n"))
          .build();

  private HttpResponse<String> get(HttpServer server, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyz_is503WithTheReasonUntilReady() throws Exception {
    readiness.notReady("opening the content store");
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), router)) {
      HttpResponse<String> notReady = get(server, "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready: opening the content store\n");
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

      readiness.ready();
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);

      readiness.notReady("shutting down");
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void start_onAPortInUse_failsNamingTheAddress() throws Exception {
    try (HttpServer first = HttpServer.start(new HostPort("127.0.0.1", 0), router)) {
      HostPort taken = new HostPort("127.0.0.1", first.port());
      assertThatThrownBy(() -> HttpServer.start(taken, router))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port() + ": ");
    }
  }

  @Test
  void start_onAnUnknownHost_failsNamingIt() {
    assertThatThrownBy(() -> HttpServer.start(new HostPort("no-such-host.invalid", 0), router))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no-such-host.invalid");
  }

  @Test
  void handlerException_is500IsLoggedAndTheServerKeepsServing() throws Exception {
    // Captured instead of printed: this ERROR is expected, and the test checks it names the path.
    Logger logger = (Logger) LoggerFactory.getLogger(HttpDispatcher.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    logger.setAdditive(false);
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), router)) {
      assertThat(get(server, "/boom").statusCode()).isEqualTo(500);
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
    } finally {
      logger.setAdditive(true);
      logger.detachAppender(logged);
    }
    assertThat(logged.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.ERROR);
              assertThat(event.getFormattedMessage()).contains("path=/boom");
            });
  }

  @Test
  void malformedRequest_is400AndTheConnectionCloses() throws Exception {
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), router);
        Socket socket = new Socket("127.0.0.1", server.port())) {
      sendHead(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 400 ");
    }
  }

  @Test
  void earlyAnswerToARequestWithABody_closesInsteadOfReadingTheRest() throws Exception {
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), refusingUploads());
        Socket socket = new Socket("127.0.0.1", server.port())) {
      // Announces 1 GiB and sends 1 KiB of it: the server must answer and hang up, not wait.
      OutputStream out = sendHead(socket, UPLOAD_1_GIB);
      out.write(new byte[1024]);
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 401 ").contains("connection: close");
    }
  }

  @Test
  void earlyAnswer_reachesAClientThatKeepsSendingItsBody_insteadOfAReset() throws Exception {
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), refusingUploads())) {
      for (int attempt = 0; attempt < 20; attempt++) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
          OutputStream out = sendHead(socket, UPLOAD_1_GIB);
          // A client (docker push, say) that writes its body while the answer is on its way: the
          // server closing with unread bytes would reset the connection before the answer is read.
          Thread sender =
              new Thread(
                  () -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                      for (int i = 0; i < 256; i++) {
                        out.write(chunk);
                      }
                    } catch (IOException expected) {
                      // the server hung up, or the socket was closed below
                    }
                  });
          sender.setDaemon(true);
          sender.start();
          String answer =
              new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertThat(answer).as("attempt %d", attempt).startsWith("HTTP/1.1 401 ");
          socket.close();
          sender.join(5_000);
        }
      }
    }
  }

  private static final String UPLOAD_1_GIB =
      "PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n";

  /** Writes a request head on a raw connection (reads time out after 5 s); returns its stream. */
  private static OutputStream sendHead(Socket socket, String head) throws IOException {
    socket.setSoTimeout(5_000);
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return out;
  }

  private static Router refusingUploads() {
    return Router.builder()
        .prefix(
            "/upload",
            ex -> {
              ex.respond(Responses.text(HttpResponseStatus.UNAUTHORIZED, "no\n"));
              return null;
            })
        .fallback((request, path) -> Responses.text(HttpResponseStatus.NOT_FOUND, "nope\n"))
        .build();
  }

  @Test
  void queryStrings_doNotAffectRouting() throws Exception {
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), router)) {
      assertThat(get(server, "/healthz?verbose=1").statusCode()).isEqualTo(200);
      assertThat(get(server, "/elsewhere").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void responseListener_hearsEveryAnswerWithItsMethodAndStatus() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    Router listened =
        Router.builder()
            .get("/healthz", new HealthHandler())
            .prefix(
                "/api",
                ex -> {
                  if (ex.path().equals("/api/fail")) {
                    throw new HttpError(
                        "teapot", () -> Responses.text(HttpResponseStatus.valueOf(418), "no\n"));
                  }
                  ex.respond(Responses.text(HttpResponseStatus.CREATED, "made\n"));
                  return null;
                })
            .fallback((request, path) -> Responses.text(HttpResponseStatus.NOT_FOUND, "nope\n"))
            .onResponse((method, status) -> heard.add(method + " " + status.code()))
            .build();
    try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), listened)) {
      get(server, "/healthz");
      get(server, "/api/thing");
      get(server, "/api/fail");
      get(server, "/elsewhere");
      client.send(
          HttpRequest.newBuilder(server.uri().resolve("/healthz"))
              .method("DELETE", HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    assertThat(heard).containsExactly("GET 200", "GET 201", "GET 418", "GET 404", "DELETE 405");
  }
}
