package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ShoalCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> variables, String... args) {
    Environment env = new Environment(variables, false, Path.of("/home/ana"), "java 17 (test)");
    CommandLine cli = ShoalCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void version_printsVersionAndRuntime() {
    assertThat(run("version")).isZero();
    assertThat(out.toString()).startsWith("shoal ").contains("(java 17 (test))");
  }

  @Test
  void help_listsTheCommands() {
    assertThat(run("help")).isZero();
    assertThat(out.toString()).contains("agent", "demo", "version", "./shoal origin");
  }

  @Test
  void commandsFor_aCommandIsThatCommandAlone() {
    assertThat(ShoalCli.commandsFor("run", "--rm", "busybox")).containsExactly(RunCommand.class);
    assertThat(ShoalCli.commandsFor("version")).containsExactly(VersionCommand.class);
  }

  @Test
  void commandsFor_helpOptionsAndUnknownWordsGetEveryCommand() {
    assertThat(ShoalCli.commandsFor("help")).hasSizeGreaterThan(20).contains(RunCommand.class);
    assertThat(ShoalCli.commandsFor("--help")).hasSizeGreaterThan(20);
    assertThat(ShoalCli.commandsFor("frobnicate")).hasSizeGreaterThan(20);
    assertThat(ShoalCli.commandsFor()).hasSizeGreaterThan(20);
  }

  @Test
  void noCommand_isAUsageErrorOnOneLine() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("shoal: a command is needed (run: shoal help)\n");
  }

  @Test
  void unknownCommand_isAUsageErrorOnOneLine() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("shoal: unknown command \"frobnicate\" (run: shoal help)\n");
  }

  @Test
  void unknownOption_namesItAndTheHelpCommand() {
    assertThat(run("agent", "--lisen", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString())
        .contains("shoal agent: ", "'--lisen'", "(run: shoal agent --help)")
        .hasLineCount(1);
  }

  @Test
  void badFlagValue_isAUsageErrorNamingTheFlag() {
    assertThat(run("agent", "--listen", "nohost")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("shoal agent: --listen: \"nohost\" (expected: HOST:PORT)\n");
  }

  @Test
  void badConfigFile_isAUsageErrorNamingFileAndKey(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("agent.yaml");
    Files.writeString(file, "store:\n  highWatermark: 1.5\n");
    assertThat(run("agent", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "shoal agent: " + file + ": store.highWatermark: 1.5 (expected: > 0 and <= 1)\n");
  }

  @Test
  void demo_withoutTheLauncher_saysHowToStartIt() {
    assertThat(run("demo", "--for", "1s")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "shoal demo: SHOAL_LAUNCHER is not set (start the demo with the launcher: ./shoal"
                + " demo)\n");
  }

  @Test
  void demo_badDuration_isAUsageError() {
    assertThat(run("demo", "--for", "5 minutes")).isEqualTo(2);
    assertThat(err.toString()).contains("'--for'", "\"5 minutes\"").hasLineCount(1);
  }
}
