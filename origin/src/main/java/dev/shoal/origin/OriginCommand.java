package dev.shoal.origin;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.Foreground;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.origin.config.ApiConfig;
import dev.shoal.origin.config.OriginConfig;
import dev.shoal.origin.config.OriginConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shoal origin}: runs the origin registry in the foreground until SIGTERM or Ctrl-C. */
@Command(
    name = "shoal origin",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Run the origin registry that agents pull layers from.",
      "Settings come from defaults, then --config FILE (see deploy/origin.yaml), then flags."
    })
final class OriginCommand implements Callable<Integer> {
  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address of the registry API's HTTP server (default: 127.0.0.1:5000).")
  String listen;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data directory (default: /var/lib/shoal/origin as root, "
              + "else $XDG_DATA_HOME/shoal/origin).")
  Path data;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(
      names = "--exit-with-pid",
      paramLabel = "PID",
      hidden = true,
      description = "Stop when this process exits (shoal demo uses it).")
  Long exitWithPid;

  @Spec CommandSpec spec;

  private final Environment env;

  OriginCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  /** Defaults, overridden by the config file, overridden by flags. */
  OriginConfig resolveConfig() throws ConfigException {
    Path defaultDataDir = env.defaultDataDir("origin");
    OriginConfig resolved =
        config == null
            ? OriginConfig.defaults(defaultDataDir)
            : OriginConfigLoader.load(config, defaultDataDir);
    if (data != null) {
      resolved = resolved.withDataDir(data.toAbsolutePath().normalize());
    }
    ApiConfig api = resolved.api();
    if (listen != null) {
      api = api.withListen(HostPort.parse("--listen", listen));
    }
    return resolved.withApi(api);
  }

  @Override
  public Integer call() throws Exception {
    OriginConfig resolved = resolveConfig();
    return Foreground.run(
        () -> OriginMain.start(resolved, Clock.systemUTC()),
        origin -> "shoal origin listening on " + origin.uri() + " (data " + origin.dataDir() + ")",
        exitWithPid,
        spec.commandLine().getOut());
  }
}
