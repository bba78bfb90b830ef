package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code shoal login}: mints a 12-hour login token for the account, printed alone on stdout, to be
 * used as the password of {@code docker login}-style clients ({@code shoal login | skopeo login
 * --password-stdin -u USER HOST}).
 */
@Command(name = "login", description = "Print a 12-hour login token to use as a registry password.")
public final class LoginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OriginConnection origin;
  private final Environment env;
  private final InputStream stdin;

  LoginCommand(Environment env, InputStream stdin) {
    this.env = requireNonNull(env, "env");
    this.stdin = requireNonNull(stdin, "stdin");
  }

  @Override
  public Integer call() throws ConfigException, FailureException {
    JsonNode r = origin.call(env.variables(), stdin, "POST", "/shoal/v1/login-token", null);
    spec.commandLine().getOut().println(r.path("token").asText());
    spec.commandLine().getOut().flush();
    spec.commandLine()
        .getErr()
        .println(
            "shoal login: token for "
                + r.path("account").asText()
                + ", valid "
                + r.path("expires_in").asLong() / 3600
                + "h");
    return 0;
  }
}
