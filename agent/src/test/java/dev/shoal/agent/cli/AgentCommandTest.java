package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.config.AgentConfig;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

class AgentCommandTest {
  @TempDir Path tmp;

  private final Environment env =
      new Environment(Map.of(), false, Path.of("/home/ana"), "java 17 (test)");

  private AgentConfig resolve(String... args) throws Exception {
    ParseResult parsed = ShoalCli.commandLine(env).parseArgs(args);
    AgentCommand command = (AgentCommand) parsed.subcommand().commandSpec().userObject();
    return command.resolveConfig();
  }

  @Test
  void noFlagsNoFile_givesDefaultsInTheUsersDataHome() throws Exception {
    assertThat(resolve("agent"))
        .isEqualTo(AgentConfig.defaults(Path.of("/home/ana/.local/share/shoal/agent")));
  }

  @Test
  void flags_overrideTheFile() throws Exception {
    Path file = tmp.resolve("agent.yaml");
    Files.writeString(
        file,
        "dataDir: /srv/from-file\n"
            + "store:\n  maxBytes: 1GiB\n"
            + "mirror:\n  listen: 127.0.0.1:6000\n  upstream: http://from-file:5000\n"
            + "control:\n  listen: 127.0.0.1:6001\n");
    AgentConfig config =
        resolve(
            "agent",
            "--config",
            file.toString(),
            "--listen",
            "127.0.0.1:7000",
            "--data",
            "/srv/from-flag",
            "--upstream",
            "https://from-flag.example.com",
            "--control-listen",
            "127.0.0.1:7001");
    assertThat(config.mirror().listen()).isEqualTo(new HostPort("127.0.0.1", 7000));
    assertThat(config.mirror().upstream()).isEqualTo(URI.create("https://from-flag.example.com"));
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/from-flag"));
    assertThat(config.control().listen()).isEqualTo(new HostPort("127.0.0.1", 7001));
    // What no flag overrides still comes from the file.
    assertThat(config.store().maxBytes()).isEqualTo(1L << 30);
  }

  @Test
  void fileValues_applyWhereNoFlagIsGiven() throws Exception {
    Path file = tmp.resolve("agent.yaml");
    Files.writeString(
        file, "mirror:\n  listen: 127.0.0.1:6000\ncontrol:\n  listen: '[::1]:6001'\n");
    AgentConfig config = resolve("agent", "--config", file.toString());
    assertThat(config.mirror().listen()).isEqualTo(new HostPort("127.0.0.1", 6000));
    assertThat(config.control().listen()).isEqualTo(new HostPort("::1", 6001));
    assertThat(config.mirror().upstream()).isEqualTo(URI.create("http://127.0.0.1:5000"));
  }

  @Test
  void relativeDataFlag_isResolvedAgainstTheWorkingDirectory() throws Exception {
    assertThat(resolve("agent", "--data", "some/dir").dataDir())
        .isEqualTo(Path.of("some/dir").toAbsolutePath().normalize());
  }
}
