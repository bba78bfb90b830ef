package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.config.Environment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command that lists something takes {@code --json}, for scripts. */
class JsonListingsTest {
  private static final List<List<String>> LISTINGS =
      List.of(
          List.of("status"),
          List.of("blobs"),
          List.of("ps"),
          List.of("preheat"),
          List.of("pull"),
          List.of("layer-users"),
          List.of("image-repos"),
          List.of("key", "list"),
          List.of("account", "list"));

  @Test
  void everyListing_acceptsJson() {
    CommandLine cli =
        ShoalCli.commandLine(new Environment(Map.of(), false, Path.of("/home/ana"), "java 17"));
    for (List<String> path : LISTINGS) {
      CommandLine c = cli;
      for (String name : path) {
        c = c.getSubcommands().get(name);
        assertThat(c).as("shoal %s", String.join(" ", path)).isNotNull();
      }
      assertThat(c.getCommandSpec().findOption("--json"))
          .as("shoal %s --json", String.join(" ", path))
          .isNotNull();
      assertThat(c.getCommandSpec().findOption("--json").description()[0]).contains("JSON");
    }
  }
}
