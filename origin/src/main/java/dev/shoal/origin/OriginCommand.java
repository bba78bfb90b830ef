package dev.shoal.origin;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.cli.ConfigLayers;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.cli.ServerOptions;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.origin.config.EventsConfig;
import dev.shoal.origin.config.OriginConfig;
import dev.shoal.origin.config.OriginConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
  private static final ConfigLayers<OriginConfig> LAYERS =
      new ConfigLayers<>(
          "origin",
          OriginConfig::defaults,
          OriginConfigLoader::load,
          OriginConfig::withDataDir,
          (config, listen) -> config.withApi(config.api().withListen(listen)));

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

  @Option(
      names = "--events-listen",
      paramLabel = "HOST:PORT",
      description = "Address of the event stream agents follow (default: 127.0.0.1:5002).")
  String eventsListen;

  @Mixin ServerOptions server;

  private final Environment env;

  OriginCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  /** Defaults, overridden by the config file, overridden by flags. */
  OriginConfig resolveConfig() throws ConfigException {
    OriginConfig resolved = server.resolve(LAYERS, env, data, listen);
    if (eventsListen != null) {
      resolved =
          resolved.withEvents(new EventsConfig(HostPort.parse("--events-listen", eventsListen)));
    }
    return resolved;
  }

  @Override
  public Integer call() throws Exception {
    OriginConfig resolved = resolveConfig();
    String admin = env.variables().getOrDefault("SHOAL_ADMIN_PASSWORD", "");
    if (!admin.isEmpty() && admin.length() < 8) {
      // Checked here, before anything starts: the first start would refuse it half-way.
      throw new ConfigException(
          "SHOAL_ADMIN_PASSWORD: "
              + admin.length()
              + " characters (expected: at least 8; unset it to have one generated)");
    }
    return server.runInForeground(
        () -> OriginMain.start(resolved, Clock.systemUTC(), env.variables(), System.out),
        origin ->
            "shoal origin listening on "
                + origin.uri()
                + " (events "
                + origin.eventsAddress()
                + ", data "
                + origin.dataDir()
                + ")");
  }
}
