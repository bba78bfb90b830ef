package dev.shoal.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class ServerOptionsTest {
  private static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 4000);

  /** A role's config: where its values came from shows which layer won. */
  record RoleConfig(Path dataDir, HostPort listen, String file) {}

  private static final ConfigLayers<RoleConfig> LAYERS =
      new ConfigLayers<>(
          "role",
          dir -> new RoleConfig(dir, DEFAULT_LISTEN, null),
          (file, defaultDataDir) ->
              new RoleConfig(
                  Path.of("/from-file"), new HostPort("127.0.0.1", 6000), file.toString()),
          (config, dir) -> new RoleConfig(dir, config.listen(), config.file()),
          (config, listen) -> new RoleConfig(config.dataDir(), listen, config.file()));

  @Command(name = "role")
  static final class RoleCommand {
    @Option(names = "--listen")
    String listen;

    @Option(names = "--data")
    Path data;

    @Mixin ServerOptions server;
  }

  private final Environment env =
      new Environment(Map.of(), false, Path.of("/home/ana"), "java 17 (test)");

  private RoleConfig resolve(String... args) throws ConfigException {
    RoleCommand command = new RoleCommand();
    new CommandLine(command).parseArgs(args);
    return command.server.resolve(LAYERS, env, command.data, command.listen);
  }

  @Test
  void noFileNoFlags_givesDefaultsInTheRolesDataHome() throws Exception {
    assertThat(resolve())
        .isEqualTo(
            new RoleConfig(Path.of("/home/ana/.local/share/shoal/role"), DEFAULT_LISTEN, null));
  }

  @Test
  void file_overridesDefaults_andFlagsOverrideTheFile() throws Exception {
    assertThat(resolve("--config", "/etc/role.yaml"))
        .isEqualTo(
            new RoleConfig(
                Path.of("/from-file"), new HostPort("127.0.0.1", 6000), "/etc/role.yaml"));
    assertThat(
            resolve("--config", "/etc/role.yaml", "--data", "/srv/x", "--listen", "0.0.0.0:7000"))
        .isEqualTo(
            new RoleConfig(Path.of("/srv/x"), new HostPort("0.0.0.0", 7000), "/etc/role.yaml"));
  }

  @Test
  void relativeData_isResolvedAgainstTheWorkingDirectory() throws Exception {
    assertThat(resolve("--data", "some/../dir").dataDir())
        .isEqualTo(Path.of("dir").toAbsolutePath());
  }

  @Test
  void badListen_isAConfigErrorNamingTheFlag() {
    assertThatThrownBy(() -> resolve("--listen", "nohost"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--listen: \"nohost\" (expected: HOST:PORT)");
  }

  @Test
  void exitWithPid_isAHiddenOption() {
    CommandLine cli = new CommandLine(new RoleCommand());
    cli.parseArgs("--exit-with-pid", "42");
    assertThat(((RoleCommand) cli.getCommand()).server.exitWithPid).isEqualTo(42L);
    assertThat(cli.getUsageMessage()).contains("--config=FILE").doesNotContain("exit-with-pid");
  }
}
