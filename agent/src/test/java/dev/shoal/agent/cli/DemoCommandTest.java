package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's failure paths, with a stand-in launcher instead of real servers. */
class DemoCommandTest {
  @TempDir Path tmp;

  private final StringWriter err = new StringWriter();

  private int demoWithLauncher(String script, String... args) throws IOException {
    Path launcher = tmp.resolve("fake-shoal");
    Files.writeString(launcher, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
    Environment env =
        new Environment(
            Map.of(Environment.LAUNCHER, launcher.toString()), false, tmp, "java (test)");
    CommandLine cli = ShoalCli.commandLine(env);
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "demo";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  private static Set<Path> demoDirs() throws IOException {
    Set<Path> dirs = new HashSet<>();
    Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(tmpDir, "shoal-demo-*")) {
      stream.forEach(dirs::add);
    }
    return dirs;
  }

  @Test
  void serverThatExitsAtStart_failsTheDemoNamingItAndItsStatus() throws Exception {
    Set<Path> before = demoDirs();
    int status = demoWithLauncher("echo \"role $1 failing\" >&2; exit 3", "--timeout", "30s");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("shoal demo: origin exited with status 3 while starting (its log is above)\n");
    assertThat(demoDirs()).as("the demo's data directory is deleted").isSubsetOf(before);
  }

  @Test
  void serverThatNeverListens_failsWithinTheTimeoutAndIsStopped() throws Exception {
    Path pidFile = tmp.resolve("child.pid");
    int status = demoWithLauncher("echo $$ > " + pidFile + "; exec sleep 60", "--timeout", "1s");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("shoal demo: origin did not start listening in time (its log is above)\n");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }
}
