package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.AgentConfigLoader;
import dev.shoal.agent.config.MirrorConfig;
import dev.shoal.core.cli.Foreground;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.ConfigValues;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shoal agent}: runs the node agent in the foreground until SIGTERM or Ctrl-C. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Run the node agent: the registry mirror this host's container runtime pulls from.",
      "Settings come from defaults, then --config FILE (see deploy/agent.yaml), then flags."
    })
public final class AgentCommand implements Callable<Integer> {
  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address of the mirror's HTTP server (default: 127.0.0.1:5050).")
  String listen;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data directory (default: /var/lib/shoal/agent as root, "
              + "else $XDG_DATA_HOME/shoal/agent).")
  Path data;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "Registry the mirror pulls from (default: http://127.0.0.1:5000).")
  String upstream;

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

  AgentCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  /** Defaults, overridden by the config file, overridden by flags. */
  AgentConfig resolveConfig() throws ConfigException {
    Path defaultDataDir = env.defaultDataDir("agent");
    AgentConfig resolved =
        config == null
            ? AgentConfig.defaults(defaultDataDir)
            : AgentConfigLoader.load(config, defaultDataDir);
    if (data != null) {
      resolved = resolved.withDataDir(data.toAbsolutePath().normalize());
    }
    MirrorConfig mirror = resolved.mirror();
    if (listen != null) {
      mirror = mirror.withListen(HostPort.parse("--listen", listen));
    }
    if (upstream != null) {
      mirror = mirror.withUpstream(ConfigValues.parseHttpUrl("--upstream", upstream));
    }
    return resolved.withMirror(mirror);
  }

  @Override
  public Integer call() throws Exception {
    AgentConfig resolved = resolveConfig();
    return Foreground.run(
        () -> AgentMain.start(resolved, Clock.systemUTC()),
        agent -> "shoal agent listening on " + agent.uri() + " (data " + agent.dataDir() + ")",
        exitWithPid,
        spec.commandLine().getOut());
  }
}
