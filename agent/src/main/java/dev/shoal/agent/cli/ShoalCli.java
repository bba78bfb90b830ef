package dev.shoal.agent.cli;

import dev.shoal.core.cli.CliErrors;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.Environment;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code shoal}: the command line. Entry point of {@code shoal-agent.jar}; the {@code ./shoal}
 * launcher runs every command except {@code origin} through it.
 */
@Command(
    name = "shoal",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Shoal: peer-to-peer container image layer distribution.",
    subcommands = {AgentCommand.class, DemoCommand.class, VersionCommand.class, HelpCommand.class},
    footer = {"", "The origin registry has its own server: ./shoal origin --help"})
public final class ShoalCli implements Callable<Integer> {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(Environment.system()).execute(args));
  }

  /**
   * The command line with its error handling; commands that need the environment get {@code env}.
   */
  static CommandLine commandLine(Environment env) {
    IFactory defaults = CommandLine.defaultFactory();
    IFactory factory =
        new IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            if (type == AgentCommand.class) {
              return type.cast(new AgentCommand(env));
            }
            if (type == DemoCommand.class) {
              return type.cast(new DemoCommand(env));
            }
            if (type == VersionCommand.class) {
              return type.cast(new VersionCommand(env));
            }
            return defaults.create(type);
          }
        };
    return CliErrors.configure(new CommandLine(new ShoalCli(), factory));
  }

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("shoal: a command is needed (run: shoal help)");
    return ExitCode.USAGE;
  }
}
