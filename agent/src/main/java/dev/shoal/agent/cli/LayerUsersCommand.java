package dev.shoal.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.digest.Digest;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal layer-users DIGEST}: the images (repository, manifest, tags) on an origin that use a
 * layer, among the repositories the account may see.
 */
@Command(
    name = "layer-users",
    description = "List the images on an origin that use a layer (those your account may see).")
public final class LayerUsersCommand extends OriginClientCommand {
  @Parameters(
      paramLabel = "DIGEST",
      converter = DigestConverter.class,
      description = "The layer's digest, sha256:….")
  Digest layer;

  LayerUsersCommand(Environment env, InputStream stdin) {
    super(env, stdin);
  }

  @Override
  JsonNode ask() throws ConfigException, FailureException {
    return call("GET", "/shoal/v1/layers/" + layer + "/images");
  }

  @Override
  void print(JsonNode answer, PrintWriter out) {
    printList(
        answer,
        "images",
        new Table("REPOSITORY", "MANIFEST", "TAGS"),
        LayerUsersCommand::row,
        "no image you may see uses " + layer,
        out);
  }

  private static Object[] row(JsonNode image) {
    List<String> tags = new ArrayList<>();
    image.path("tags").forEach(tag -> tags.add(tag.asText()));
    return new Object[] {
      image.path("repository").asText(),
      image.path("digest").asText(),
      tags.isEmpty() ? "-" : String.join(",", tags)
    };
  }
}
