package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.proto.control.v1.PinRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shoal pin DIGEST} and {@code shoal unpin DIGEST}: keep a blob from eviction, or stop. */
public final class PinCommand {
  private PinCommand() {}

  /** What pin and unpin share. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AgentConnection connection;

    @Parameters(paramLabel = "DIGEST", description = "sha256:… of a blob in the agent's store.")
    String digest;

    @Option(
        names = "--name",
        defaultValue = "user",
        description = "Name of the pin (default: ${DEFAULT-VALUE}).")
    String name;

    private final Environment env;

    Base(Environment env) {
      this.env = requireNonNull(env, "env");
    }

    abstract boolean pinning();

    @Override
    public Integer call() throws ConfigException, FailureException {
      PinRequest req = PinRequest.newBuilder().setDigest(digest).setPin(name).build();
      connection.call(env.variables(), stub -> pinning() ? stub.pin(req) : stub.unpin(req));
      spec.commandLine()
          .getOut()
          .println((pinning() ? "pinned " : "unpinned ") + digest + " (" + name + ")");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "pin", description = "Keep a blob from eviction under a named pin.")
  public static final class Pin extends Base {
    Pin(Environment env) {
      super(env);
    }

    @Override
    boolean pinning() {
      return true;
    }
  }

  @Command(name = "unpin", description = "Remove a named pin from a blob.")
  public static final class Unpin extends Base {
    Unpin(Environment env) {
      super(env);
    }

    @Override
    boolean pinning() {
      return false;
    }
  }
}
