package dev.shoal.agent.cli;

import dev.shoal.core.cli.CliErrors.FailureException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** What the demo asks of its origin's administration API. */
final class DemoOrigin {
  private DemoOrigin() {}

  /**
   * Opens {@code repo} to anonymous pull ({@code PUT /shoal/v1/public/REPO}), so that agents and
   * runtimes pull it without credentials, as a public image on a real origin.
   */
  static void makePublic(HttpClient client, URI origin, String user, String password, String repo)
      throws IOException, InterruptedException, FailureException {
    String basic =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(origin.resolve("/shoal/v1/public/" + repo))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new FailureException(
          "making " + repo + " public failed: " + r.statusCode() + " " + r.body().strip());
    }
  }
}
