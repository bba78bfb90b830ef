package dev.shoal.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.ConfigValues;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of commands that talk to an origin's administration API ({@code --origin}, {@code
 * --user}, the password from {@code $SHOAL_ORIGIN_PASSWORD} or {@code --password-stdin}), and the
 * call with its errors as one line.
 */
final class OriginConnection {
  static final String ORIGIN_VARIABLE = "SHOAL_ORIGIN";
  static final String USER_VARIABLE = "SHOAL_ORIGIN_USER";
  static final String PASSWORD_VARIABLE = "SHOAL_ORIGIN_PASSWORD";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--origin",
      paramLabel = "URL",
      description = "The origin (default: $SHOAL_ORIGIN, else http://127.0.0.1:5000).")
  String origin;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "Account to act as (default: $SHOAL_ORIGIN_USER, else admin).")
  String user;

  @Option(
      names = "--password-stdin",
      description =
          "Read the account's password from standard input (else $SHOAL_ORIGIN_PASSWORD).")
  boolean passwordStdin;

  /** Sends {@code method path} with {@code body} (JSON or null) and returns the JSON answer. */
  JsonNode call(Map<String, String> env, InputStream stdin, String method, String path, String body)
      throws ConfigException, FailureException {
    URI base = base(env);
    String password = password(env, stdin);
    String account = user != null ? user : env.getOrDefault(USER_VARIABLE, "admin");
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (account + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<byte[]> r;
    try {
      r =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new FailureException(
          "no origin answers on "
              + base
              + " (start one with ./shoal origin, or pass --origin URL)");
    } catch (IOException e) {
      throw new FailureException("cannot reach the origin " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FailureException("interrupted");
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(r.body());
    } catch (IOException e) {
      answer = JSON.createObjectNode();
    }
    if (r.statusCode() / 100 != 2) {
      String message =
          answer.path("errors").path(0).path("message").asText("HTTP " + r.statusCode());
      String fix =
          switch (r.statusCode()) {
            case 401 -> " (check --user and the password in $" + PASSWORD_VARIABLE + ")";
            case 403 -> " (pass --user with an admin account)";
            default -> "";
          };
      throw new FailureException(message + fix);
    }
    return answer == null ? JSON.createObjectNode() : answer;
  }

  private URI base(Map<String, String> env) throws ConfigException {
    String url =
        origin != null ? origin : env.getOrDefault(ORIGIN_VARIABLE, "http://127.0.0.1:5000");
    return ConfigValues.parseHttpUrl("--origin", url);
  }

  private String password(Map<String, String> env, InputStream stdin) throws FailureException {
    if (passwordStdin) {
      try {
        String line = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!line.isEmpty()) {
          return line;
        }
      } catch (IOException e) {
        throw new FailureException("cannot read the password from standard input: " + e);
      }
      throw new FailureException("--password-stdin: standard input was empty");
    }
    String p = env.get(PASSWORD_VARIABLE);
    if (p == null || p.isEmpty()) {
      throw new FailureException(
          "no password: set $" + PASSWORD_VARIABLE + " or pass --password-stdin");
    }
    return p;
  }
}
