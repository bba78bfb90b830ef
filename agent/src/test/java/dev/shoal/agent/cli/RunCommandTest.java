package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code shoal run} reads its command line; running is {@code RunIT}'s. */
class RunCommandTest {
  private final Environment env =
      new Environment(Map.of(), false, Path.of("/home/ana"), "java 17 (test)");

  private RunCommand parse(String... args) {
    CommandLine cli = ShoalCli.commandLine(env);
    return (RunCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void everythingAfterTheImage_isTheCommand_itsOptionsIncluded() {
    RunCommand run = parse("run", "-d", "-e", "A=1", "busybox:1", "sh", "-c", "echo -n x", "-d");

    assertThat(run.detach).isTrue();
    assertThat(run.env).containsExactly("A=1");
    assertThat(run.image).isEqualTo("busybox:1");
    assertThat(run.command).containsExactly("sh", "-c", "echo -n x", "-d");
  }

  @Test
  void aDoubleDash_beforeTheCommandIsNotPartOfIt() {
    assertThat(parse("run", "busybox:1", "--", "ls", "-l").command)
        .containsExactly("--", "ls", "-l"); // dropped by call(), before the request
    assertThat(parse("run", "--name", "x", "busybox:1").command).isEmpty();
  }

  @Test
  void badFlags_areOneLineErrorsBeforeAnyAgentIsAsked() {
    StringWriter err = new StringWriter();
    CommandLine cli = ShoalCli.commandLine(env);
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("run", "--agent", "127.0.0.1:1", "--net", "bridge", "busybox")).isOne();
    assertThat(err.toString()).isEqualTo("shoal run: --net bridge (expected: none or host)\n");
  }

  @Test
  void help_saysThereIsNoStdinOrTerminal() {
    StringWriter out = new StringWriter();
    CommandLine cli = ShoalCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));

    assertThat(cli.execute("run", "--help")).isZero();
    assertThat(out.toString()).contains("No stdin and no terminal").contains("--agent=HOST:PORT");
  }
}
