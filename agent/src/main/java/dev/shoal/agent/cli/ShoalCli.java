package dev.shoal.agent.cli;

import dev.shoal.core.cli.CliErrors;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.Environment;
import dev.shoal.core.registry.RegistryClientTuning;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
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
    footer = {"", "The origin registry has its own server: ./shoal origin --help"})
public final class ShoalCli implements Callable<Integer> {
  /** The commands, in the order help lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          AgentCommand.class,
          StatusCommand.class,
          BlobsCommand.class,
          EvictCommand.class,
          PinCommand.Pin.class,
          PinCommand.Unpin.class,
          PreheatCommand.class,
          PullCommand.class,
          RunCommand.class,
          PsCommand.class,
          StopCommand.class,
          LogsCommand.class,
          RmCommand.class,
          AccountCommand.class,
          KeyCommand.class,
          LoginCommand.class,
          LayerUsersCommand.class,
          ImageReposCommand.class,
          BuildCommand.class,
          PushCommand.class,
          DemoCommand.class,
          VersionCommand.class,
          HelpCommand.class);

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    RegistryClientTuning.apply();
    Environment env = Environment.system();
    Clock clock = Clock.systemUTC();
    System.exit(
        commandLine(env, clock, System.in, System.out, System.err, commandsFor(args))
            .execute(args));
  }

  /**
   * The command that {@code args} name, alone; all of them when they name none (help, usage errors,
   * suggestions). Picocli reflects on every command it is given, and their classes and what they
   * initialize (protobuf, Jackson) made up about half of a short command's start.
   */
  static List<Class<?>> commandsFor(String... args) {
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> c : COMMANDS) {
        Command command = c.getAnnotation(Command.class);
        if (command != null && command.name().equals(args[0])) {
          return List.of(c);
        }
      }
    }
    return COMMANDS;
  }

  /**
   * The command line with its error handling; commands that need the environment get {@code env}.
   */
  static CommandLine commandLine(Environment env) {
    return commandLine(env, Clock.systemUTC());
  }

  static CommandLine commandLine(Environment env, Clock clock) {
    return commandLine(env, clock, System.in);
  }

  static CommandLine commandLine(Environment env, Clock clock, InputStream stdin) {
    return commandLine(env, clock, stdin, System.out, System.err);
  }

  /**
   * With the streams a container's output goes to ({@code run}, {@code logs}): byte for byte, not
   * through the command line's text writers.
   */
  static CommandLine commandLine(
      Environment env, Clock clock, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return commandLine(env, clock, stdin, stdout, stderr, COMMANDS);
  }

  /** With only {@code commands} (see {@link #commandsFor}). */
  static CommandLine commandLine(
      Environment env,
      Clock clock,
      InputStream stdin,
      PrintStream stdout,
      PrintStream stderr,
      List<Class<?>> commands) {
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
            if (type == StatusCommand.class) {
              return type.cast(new StatusCommand(env, clock));
            }
            if (type == BlobsCommand.class) {
              return type.cast(new BlobsCommand(env, clock));
            }
            if (type == EvictCommand.class) {
              return type.cast(new EvictCommand(env));
            }
            if (type == PinCommand.Pin.class) {
              return type.cast(new PinCommand.Pin(env));
            }
            if (type == PinCommand.Unpin.class) {
              return type.cast(new PinCommand.Unpin(env));
            }
            if (type == PreheatCommand.class) {
              return type.cast(new PreheatCommand(env));
            }
            if (type == PullCommand.class) {
              // Lines are redrawn in place only on a terminal; a pipe or a log gets plain lines.
              return type.cast(new PullCommand(env, System.console() != null));
            }
            if (type == RunCommand.class) {
              return type.cast(new RunCommand(env, stdout, stderr));
            }
            if (type == PsCommand.class) {
              return type.cast(new PsCommand(env, clock));
            }
            if (type == StopCommand.class) {
              return type.cast(new StopCommand(env));
            }
            if (type == LogsCommand.class) {
              return type.cast(new LogsCommand(env, stdout, stderr));
            }
            if (type == RmCommand.class) {
              return type.cast(new RmCommand(env));
            }
            if (type == AccountCommand.Add.class) {
              return type.cast(new AccountCommand.Add(env, stdin));
            }
            if (type == AccountCommand.List.class) {
              return type.cast(new AccountCommand.List(env, stdin));
            }
            if (type == AccountCommand.Remove.class) {
              return type.cast(new AccountCommand.Remove(env, stdin));
            }
            if (type == LoginCommand.class) {
              return type.cast(new LoginCommand(env, stdin));
            }
            if (type == KeyCommand.Rotate.class) {
              return type.cast(new KeyCommand.Rotate(env, stdin));
            }
            if (type == KeyCommand.List.class) {
              return type.cast(new KeyCommand.List(env, stdin));
            }
            if (type == LayerUsersCommand.class) {
              return type.cast(new LayerUsersCommand(env, stdin));
            }
            if (type == BuildCommand.class) {
              return type.cast(new BuildCommand(env));
            }
            if (type == PushCommand.class) {
              return type.cast(new PushCommand(env));
            }
            if (type == ImageReposCommand.class) {
              return type.cast(new ImageReposCommand(env, stdin));
            }
            return defaults.create(type);
          }
        };
    CommandLine cli = new CommandLine(new ShoalCli(), factory);
    for (Class<?> c : commands) {
      cli.addSubcommand(c);
    }
    CliErrors.configure(cli);
    CommandLine run = cli.getSubcommands().get("run");
    if (run != null) {
      // Everything after IMAGE is the container's command, its options included.
      run.setStopAtPositional(true);
    }
    return cli;
  }

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("shoal: a command is needed (run: shoal help)");
    return ExitCode.USAGE;
  }
}
