package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import java.io.InputStream;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shoal account add|list|remove}: manage an origin's accounts (admin credentials). */
@Command(
    name = "account",
    description = "Manage the accounts of an origin (needs an admin account).",
    subcommands = {
      AccountCommand.Add.class,
      AccountCommand.List.class,
      AccountCommand.Remove.class
    })
public final class AccountCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println("shoal account: add, list or remove (run: shoal account --help)");
    return 2;
  }

  /** What the subcommands share. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OriginConnection origin;
    final Environment env;
    final InputStream stdin;

    Base(Environment env, InputStream stdin) {
      this.env = requireNonNull(env, "env");
      this.stdin = requireNonNull(stdin, "stdin");
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "add", description = "Create an account; it owns the repositories NAME/….")
  public static final class Add extends Base {
    @Parameters(
        paramLabel = "NAME",
        description = "Account name (lowercase, as a repository path component).")
    String name;

    @Option(
        names = "--role",
        defaultValue = "user",
        description = "user or admin (default: ${DEFAULT-VALUE}).")
    String role;

    Add(Environment env, InputStream stdin) {
      super(env, stdin);
    }

    @Override
    public Integer call() throws ConfigException, FailureException {
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      String body =
          new ObjectMapper()
              .createObjectNode()
              .put("name", name)
              .put("password", password)
              .put("role", role)
              .toString();
      origin.call(env.variables(), stdin, "POST", "/shoal/v1/accounts", body);
      out().println("created account " + name + " (" + role + ") with password " + password);
      out().println("it owns the repositories " + name + "/…; this password is shown only now");
      out().flush();
      return 0;
    }
  }

  @Command(name = "list", description = "List the accounts.")
  public static final class List extends Base {
    @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
    boolean json;

    List(Environment env, InputStream stdin) {
      super(env, stdin);
    }

    @Override
    public Integer call() throws ConfigException, FailureException {
      JsonNode r = origin.call(env.variables(), stdin, "GET", "/shoal/v1/accounts", null);
      if (json) {
        out().println(r.toPrettyString());
        out().flush();
        return 0;
      }
      Table t = new Table("NAME", "ROLE");
      r.path("accounts").forEach(a -> t.row(a.path("name").asText(), a.path("role").asText()));
      t.print(out());
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove an account; its tokens stop working at once.")
  public static final class Remove extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    Remove(Environment env, InputStream stdin) {
      super(env, stdin);
    }

    @Override
    public Integer call() throws ConfigException, FailureException {
      origin.call(env.variables(), stdin, "DELETE", "/shoal/v1/accounts/" + name, null);
      out().println("removed account " + name);
      out().flush();
      return 0;
    }
  }
}
