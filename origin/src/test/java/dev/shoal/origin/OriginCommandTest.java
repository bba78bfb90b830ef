package dev.shoal.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import dev.shoal.origin.config.OriginConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OriginCommandTest {
  @TempDir Path tmp;

  private final Environment env =
      new Environment(Map.of("XDG_DATA_HOME", "/data"), false, Path.of("/home/ana"), "java");
  private final StringWriter err = new StringWriter();

  private OriginConfig resolve(String... args) throws Exception {
    CommandLine cli = OriginMain.commandLine(env);
    cli.parseArgs(args);
    return ((OriginCommand) cli.getCommand()).resolveConfig();
  }

  private int run(String... args) {
    CommandLine cli = OriginMain.commandLine(env);
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void noFlagsNoFile_givesDefaultsInXdgDataHome() throws Exception {
    assertThat(resolve()).isEqualTo(OriginConfig.defaults(Path.of("/data/shoal/origin")));
  }

  @Test
  void flags_overrideTheFile() throws Exception {
    Path file = tmp.resolve("origin.yaml");
    Files.writeString(
        file,
        "dataDir: /srv/from-file\nstore:\n  cacheEntries: 7\napi:\n  listen: 127.0.0.1:6000\n");
    OriginConfig config =
        resolve("--config", file.toString(), "--listen", "0.0.0.0:7000", "--data", "/srv/flag");
    assertThat(config.api().listen()).isEqualTo(new HostPort("0.0.0.0", 7000));
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/flag"));
    assertThat(config.store().cacheEntries()).isEqualTo(7);
  }

  @Test
  void badFlagValue_isAUsageErrorOnOneLine() {
    assertThat(run("--listen", "nohost")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("shoal origin: --listen: \"nohost\" (expected: HOST:PORT)\n");
  }

  @Test
  void unknownOption_pointsToHelp() {
    assertThat(run("--upstream", "http://x")).isEqualTo(2);
    assertThat(err.toString())
        .contains("shoal origin: ", "'--upstream'", "(run: shoal origin --help)")
        .hasLineCount(1);
  }

  @Test
  void badConfigFile_isAUsageErrorNamingFileAndKey() throws Exception {
    Path file = tmp.resolve("origin.yaml");
    Files.writeString(file, "store:\n  cacheEntries: -1\n");
    assertThat(run("--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("shoal origin: " + file + ": store.cacheEntries: -1 (expected: >= 0)\n");
  }

  @Test
  void aShortAdminPassword_isRefusedOnOneLineBeforeAnythingStarts() {
    Environment short7 =
        new Environment(
            Map.of("SHOAL_ADMIN_PASSWORD", "seven77", "XDG_DATA_HOME", tmp.toString()),
            false,
            Path.of("/home/ana"),
            "java");
    CommandLine cli = OriginMain.commandLine(short7);
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("--listen", "127.0.0.1:0")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "shoal origin: SHOAL_ADMIN_PASSWORD: 7 characters (expected: at least 8; unset it to"
                + " have one generated)\n");
    assertThat(tmp.resolve("shoal")).doesNotExist();
  }
}
