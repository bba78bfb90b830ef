package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.PeerTlsConfig;
import dev.shoal.core.config.ConfigException;
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

  @Test
  void peerFlags_withoutTlsOrPlaintext_refuseToStart() {
    assertThatThrownBy(() -> resolve("agent", "--peer-listen", "0.0.0.0:5052"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the peer port needs mTLS")
        .hasMessageContaining("deploy/tls/README.md")
        .hasMessageContaining("--peer-plaintext")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> resolve("agent", "--peers", "10.0.0.2:5052"))
        .hasMessageContaining("the peer port needs mTLS");
  }

  @Test
  void peerTlsFlags_goTogether_andOverrideTheFile() throws Exception {
    assertThatThrownBy(
            () -> resolve("agent", "--peer-listen", "0.0.0.0:5052", "--peer-ca", "/tls/ca.crt"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--peer-ca, --peer-cert and --peer-key go together (set all three, or none)");

    Path file = tmp.resolve("agent.yaml");
    Files.writeString(
        file,
        "peer:\n  listen: 0.0.0.0:5052\n  tls:\n    ca: /file/ca.crt\n"
            + "    cert: /file/tls.crt\n    key: /file/tls.key\n");
    AgentConfig fromFile = resolve("agent", "--config", file.toString());
    assertThat(fromFile.peer().tls().orElseThrow().ca()).isEqualTo(Path.of("/file/ca.crt"));
    AgentConfig config =
        resolve(
            "agent",
            "--config",
            file.toString(),
            "--peer-ca",
            "/flag/ca.crt",
            "--peer-cert",
            "/flag/tls.crt",
            "--peer-key",
            "/flag/tls.key");
    assertThat(config.peer().tls())
        .contains(
            new PeerTlsConfig(
                Path.of("/flag/ca.crt"), Path.of("/flag/tls.crt"), Path.of("/flag/tls.key")));
    assertThatThrownBy(() -> resolve("agent", "--config", file.toString(), "--peer-plaintext"))
        .hasMessageStartingWith("peer.plaintext: true and peer.tls are both set");
  }

  @Test
  void peerPlaintext_isTheExplicitLabSetting() throws Exception {
    AgentConfig config = resolve("agent", "--peer-listen", "127.0.0.1:5052", "--peer-plaintext");
    assertThat(config.peer().plaintext()).isTrue();
    assertThat(config.peer().tls()).isEmpty();
  }
}
