package dev.shoal.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.digest.Digest;
import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal image-repos DIGEST}: the repositories on an origin that hold an image manifest,
 * among those the account may see.
 */
@Command(
    name = "image-repos",
    description = "List the repositories on an origin that hold an image (those you may see).")
public final class ImageReposCommand extends OriginClientCommand {
  @Parameters(
      paramLabel = "DIGEST",
      converter = DigestConverter.class,
      description = "The image manifest's digest, sha256:….")
  Digest manifest;

  ImageReposCommand(Environment env, InputStream stdin) {
    super(env, stdin);
  }

  @Override
  JsonNode ask() throws ConfigException, FailureException {
    return call("GET", "/shoal/v1/manifests/" + manifest + "/repositories");
  }

  @Override
  void print(JsonNode answer, PrintWriter out) {
    printList(
        answer,
        "repositories",
        new Table("REPOSITORY"),
        r -> new Object[] {r.asText()},
        "no repository you may see holds " + manifest,
        out);
  }
}
