package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that asks an origin's administration API one thing and prints the answer as a table, or
 * with {@code --json} as the origin's JSON.
 */
abstract class OriginClientCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin OriginConnection origin;

  @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
  boolean json;

  private final Environment env;
  private final InputStream stdin;

  OriginClientCommand(Environment env, InputStream stdin) {
    this.env = requireNonNull(env, "env");
    this.stdin = requireNonNull(stdin, "stdin");
  }

  @Override
  public final Integer call() throws ConfigException, FailureException {
    JsonNode answer = ask();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      try {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e); // a parsed tree always serializes
      }
    } else {
      print(answer, out);
    }
    out.flush();
    return 0;
  }

  /** Sends the one request of this command; returns the origin's answer. */
  abstract JsonNode ask() throws ConfigException, FailureException;

  /** Prints {@code answer} for people. */
  abstract void print(JsonNode answer, PrintWriter out);

  JsonNode call(String method, String path) throws ConfigException, FailureException {
    return origin.call(env.variables(), stdin, method, path, null);
  }

  /**
   * Prints the elements of {@code answer}'s array {@code field} as rows of {@code table}, or the
   * line {@code none} when it has none.
   */
  static void printList(
      JsonNode answer,
      String field,
      Table table,
      Function<JsonNode, Object[]> row,
      String none,
      PrintWriter out) {
    JsonNode items = answer.path(field);
    if (items.isEmpty()) {
      out.println(none);
      return;
    }
    items.forEach(item -> table.row(row.apply(item)));
    table.print(out);
  }

  /** A command whose one request is the same whatever its options. */
  abstract static class Fixed extends OriginClientCommand {
    private final String method;
    private final String path;

    Fixed(Environment env, InputStream stdin, String method, String path) {
      super(env, stdin);
      this.method = requireNonNull(method, "method");
      this.path = requireNonNull(path, "path");
    }

    @Override
    final JsonNode ask() throws ConfigException, FailureException {
      return call(method, path);
    }
  }
}
