package dev.shoal.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.core.config.Environment;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shoal key rotate|list}: an origin's token signing keys (admin credentials). */
@Command(
    name = "key",
    description = "Rotate or list an origin's token signing keys (needs an admin account).",
    subcommands = {KeyCommand.Rotate.class, KeyCommand.List.class})
public final class KeyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("shoal key: rotate or list (run: shoal key --help)");
    return 2;
  }

  @Command(
      name = "rotate",
      description =
          "Make a new signing key for new tokens; tokens signed before stay valid until they"
              + " expire.")
  public static final class Rotate extends OriginClientCommand.Fixed {
    Rotate(Environment env, InputStream stdin) {
      super(env, stdin, "POST", "/shoal/v1/keys/rotate");
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      out.println("new signing key " + answer.path("kid").asText());
      out.println("tokens signed by older keys stay valid until they expire");
    }
  }

  @Command(name = "list", description = "List the signing keys, oldest first (never the secrets).")
  public static final class List extends OriginClientCommand.Fixed {
    List(Environment env, InputStream stdin) {
      super(env, stdin, "GET", "/shoal/v1/keys");
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      Table t = new Table("KID", "CREATED", "USE");
      answer
          .path("keys")
          .forEach(
              k ->
                  t.row(
                      k.path("kid").asText(),
                      k.path("created").asText(),
                      k.path("signing").asBoolean() ? "signs new tokens" : "verifies only"));
      t.print(out);
    }
  }
}
