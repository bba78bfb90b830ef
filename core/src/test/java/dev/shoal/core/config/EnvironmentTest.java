package dev.shoal.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  private static final Path HOME = Path.of("/home/ana");

  @Test
  void defaultDataDir_isVarLibForRoot() {
    Environment env = new Environment(Map.of("XDG_DATA_HOME", "/x"), true, HOME, "java");
    assertThat(env.defaultDataDir("agent")).isEqualTo(Path.of("/var/lib/shoal/agent"));
  }

  @Test
  void defaultDataDir_followsXdgDataHomeForOtherUsers() {
    Environment env = new Environment(Map.of("XDG_DATA_HOME", "/data/ana"), false, HOME, "java");
    assertThat(env.defaultDataDir("agent")).isEqualTo(Path.of("/data/ana/shoal/agent"));
  }

  @Test
  void defaultDataDir_fallsBackToLocalShareWhenXdgUnsetOrRelative() {
    Path expected = Path.of("/home/ana/.local/share/shoal/origin");
    assertThat(new Environment(Map.of(), false, HOME, "java").defaultDataDir("origin"))
        .isEqualTo(expected);
    assertThat(
            new Environment(Map.of("XDG_DATA_HOME", "rel"), false, HOME, "java")
                .defaultDataDir("origin"))
        .isEqualTo(expected);
  }

  @Test
  void launcher_comesFromShoalLauncher() {
    assertThat(new Environment(Map.of(), false, HOME, "java").launcher()).isEmpty();
    assertThat(
            new Environment(Map.of("SHOAL_LAUNCHER", "/src/shoal"), false, HOME, "java").launcher())
        .contains(Path.of("/src/shoal"));
  }
}
