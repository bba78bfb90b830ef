package dev.shoal.core.cli;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every server role's command shares, as a picocli mixin ({@code @Mixin}), and what
 * they do: settings come from defaults, then the {@code --config} file, then the role's {@code
 * --data} and {@code --listen} flags; the server then runs in the foreground. The role declares
 * {@code --data} and {@code --listen} itself, because their help names its own defaults.
 */
public final class ServerOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(
      names = "--exit-with-pid",
      paramLabel = "PID",
      hidden = true,
      description = "Stop when this process exits (shoal demo uses it).")
  Long exitWithPid;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * Defaults, overridden by the config file, overridden by {@code --data} and then {@code
   * --listen}; the role applies its own flags to the result.
   *
   * @param data the {@code --data} flag, null when not given; relative to the working directory
   * @param listen the {@code --listen} flag, null when not given
   * @throws ConfigException naming the file and key, or the flag, whose value cannot be used
   */
  public <C> C resolve(ConfigLayers<C> layers, Environment env, Path data, String listen)
      throws ConfigException {
    Path defaultDataDir = env.defaultDataDir(layers.role());
    C resolved =
        config == null
            ? layers.defaults().apply(defaultDataDir)
            : layers.loader().load(config, defaultDataDir);
    if (data != null) {
      resolved = layers.withDataDir().apply(resolved, data.toAbsolutePath().normalize());
    }
    if (listen != null) {
      resolved = layers.withListen().apply(resolved, HostPort.parse("--listen", listen));
    }
    return resolved;
  }

  /**
   * Starts the server, prints {@code startedLine} of it to the command's output, and runs it until
   * SIGTERM or Ctrl-C (or until the {@code --exit-with-pid} process exits). See {@link Foreground}.
   */
  public <S extends AutoCloseable> int runInForeground(
      Callable<S> start, Function<S, String> startedLine) throws Exception {
    return Foreground.run(start, startedLine, exitWithPid, command.commandLine().getOut());
  }
}
