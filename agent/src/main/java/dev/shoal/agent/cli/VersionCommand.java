package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.Environment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shoal version}: the Shoal version and the Java runtime it runs on. */
@Command(name = "version", description = "Print the version of Shoal and of the Java runtime.")
public final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Environment env;

  VersionCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() {
    spec.commandLine()
        .getOut()
        .println("shoal " + ManifestVersion.version() + " (" + env.runtime() + ")");
    return 0;
  }
}
