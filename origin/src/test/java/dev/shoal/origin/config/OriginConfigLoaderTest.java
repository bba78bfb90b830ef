package dev.shoal.origin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginConfigLoaderTest {
  @TempDir Path tmp;

  private final Path defaultData = Path.of("/var/lib/shoal/origin");

  private OriginConfig load(String yaml) throws IOException, ConfigException {
    Path file = tmp.resolve("origin.yaml");
    Files.writeString(file, yaml);
    return OriginConfigLoader.load(file, defaultData);
  }

  @Test
  void defaults_listenOnLoopback5000() {
    OriginConfig config = OriginConfig.defaults(defaultData);
    assertThat(config.api().listen()).isEqualTo(new HostPort("127.0.0.1", 5000));
    assertThat(config.store()).isEqualTo(StoreConfig.defaults(defaultData).withEviction(false));
    assertThat(config.store().evict()).as("an origin never evicts pushed blobs").isFalse();
  }

  @Test
  void emptyFile_givesDefaults() throws Exception {
    assertThat(load("")).isEqualTo(OriginConfig.defaults(defaultData));
    assertThat(load("store:\napi:\n")).isEqualTo(OriginConfig.defaults(defaultData));
  }

  @Test
  void referenceFile_deployOriginYaml_loadsToTheDefaults() throws Exception {
    Path reference = Path.of(System.getProperty("shoal.root", "..")).resolve("deploy/origin.yaml");
    assertThat(OriginConfigLoader.load(reference, defaultData))
        .isEqualTo(OriginConfig.defaults(defaultData));
  }

  @Test
  void fullFile_setsEveryKey() throws Exception {
    OriginConfig config =
        load(
            String.join(
                "\n",
                "dataDir: /srv/origin",
                "store:",
                "  cacheEntries: 0",
                "  verifyOnOpen: true",
                "api:",
                "  listen: '[::1]:5001'",
                "  uploadTtl: 1h30m",
                "events:",
                "  listen: 0.0.0.0:5003",
                ""));
    assertThat(config)
        .isEqualTo(
            new OriginConfig(
                StoreConfig.builder(Path.of("/srv/origin"))
                    .evict(false)
                    .cacheEntries(0)
                    .verifyOnOpen(true)
                    .build(),
                new ApiConfig(new HostPort("::1", 5001), Duration.ofMinutes(90)),
                new EventsConfig(new HostPort("0.0.0.0", 5003))));
  }

  @Test
  void evictionKeys_areRefusedBecauseTheOriginNeverEvicts() {
    assertThatThrownBy(() -> load("store:\n  maxBytes: 10GiB\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.maxBytes: unknown key");
  }

  @Test
  void unknownKey_isRejectedWithItsFullName() {
    assertThatThrownBy(() -> load("api:\n  listen: 127.0.0.1:1\n  port: 5000\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("api.port: unknown key (expected one of: listen, uploadTtl)");
    assertThatThrownBy(() -> load("mirror:\n  listen: 127.0.0.1:1\n"))
        .hasMessageContaining("mirror: unknown key (expected one of: api, dataDir, events, store)");
  }

  @Test
  void outOfRangeValues_nameKeyValueAndRange() {
    assertThatThrownBy(() -> load("store:\n  cacheEntries: -1\n"))
        .hasMessageEndingWith("store.cacheEntries: -1 (expected: >= 0)");
    assertThatThrownBy(() -> load("api:\n  listen: nohost\n"))
        .hasMessageEndingWith("api.listen: \"nohost\" (expected: HOST:PORT)");
    assertThatThrownBy(() -> load("api:\n  uploadTtl: 30s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("origin.yaml: api.uploadTtl: 30s (expected: >= 1m)");
    assertThatThrownBy(() -> load("api:\n  uploadTtl: 24\n"))
        .hasMessageContaining("api.uploadTtl: 24 (expected: a duration such as");
  }

  @Test
  void uploadTtl_defaultsToADay() throws Exception {
    assertThat(load("api:\n  listen: 127.0.0.1:5000\n").api().uploadTtl())
        .isEqualTo(Duration.ofHours(24));
    assertThat(load("api:\n  uploadTtl: 2d\n").api().uploadTtl()).isEqualTo(Duration.ofDays(2));
  }
}
