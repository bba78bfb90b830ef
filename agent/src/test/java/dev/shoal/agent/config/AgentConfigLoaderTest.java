package dev.shoal.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {
  @TempDir Path tmp;

  private final Path defaultData = Path.of("/var/lib/shoal/agent");

  private AgentConfig load(String yaml) throws IOException, ConfigException {
    Path file = tmp.resolve("agent.yaml");
    Files.writeString(file, yaml);
    return AgentConfigLoader.load(file, defaultData);
  }

  @Test
  void defaults_listenOnLoopbackAndPullFromLocalOrigin() {
    AgentConfig config = AgentConfig.defaults(defaultData);
    assertThat(config.mirror().listen()).isEqualTo(new HostPort("127.0.0.1", 5050));
    assertThat(config.mirror().upstream()).isEqualTo(URI.create("http://127.0.0.1:5000"));
    assertThat(config.store()).isEqualTo(StoreConfig.defaults(defaultData));
  }

  @Test
  void emptyFile_givesDefaults() throws Exception {
    assertThat(load("")).isEqualTo(AgentConfig.defaults(defaultData));
    assertThat(load("# only comments\nstore:\nmirror:\n"))
        .isEqualTo(AgentConfig.defaults(defaultData));
  }

  @Test
  void referenceFile_deployAgentYaml_loadsToTheDefaults() throws Exception {
    Path reference = Path.of(System.getProperty("shoal.root", "..")).resolve("deploy/agent.yaml");
    assertThat(AgentConfigLoader.load(reference, defaultData))
        .isEqualTo(AgentConfig.defaults(defaultData));
  }

  @Test
  void fullFile_setsEveryKey() throws Exception {
    AgentConfig config =
        load(
            String.join(
                "\n",
                "dataDir: /srv/shoal",
                "store:",
                "  maxBytes: 10GiB",
                "  highWatermark: 0.85",
                "  lowWatermark: 0.7",
                "  evictionInterval: 30s",
                "  accessWriteInterval: 5m",
                "  cacheEntries: 5000",
                "  verifyOnOpen: true",
                "mirror:",
                "  listen: 0.0.0.0:5055",
                "  upstream: https://registry.example.com/",
                ""));
    assertThat(config.store())
        .isEqualTo(
            new StoreConfig(
                Path.of("/srv/shoal"),
                true,
                10L << 30,
                0.85,
                0.7,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                5000,
                true));
    assertThat(config.mirror())
        .isEqualTo(
            new MirrorConfig(
                new HostPort("0.0.0.0", 5055), URI.create("https://registry.example.com")));
  }

  @Test
  void sizeAsPlainYamlNumber_isBytes() throws Exception {
    assertThat(load("store:\n  maxBytes: 1048576\n").store().maxBytes()).isEqualTo(1_048_576L);
  }

  @Test
  void unknownKey_isRejectedWithItsFullName() {
    assertThatThrownBy(() -> load("store:\n  maxByte: 10GiB\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.maxByte: unknown key (expected one of: ")
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> load("mirrors:\n  listen: 127.0.0.1:1\n"))
        .hasMessageContaining("mirrors: unknown key");
  }

  @Test
  void outOfRangeWatermark_namesKeyValueAndRange() {
    assertThatThrownBy(() -> load("store:\n  highWatermark: 1.5\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("store.highWatermark: 1.5 (expected: > 0 and <= 1)");
  }

  @Test
  void errors_startWithTheFileName() {
    assertThatThrownBy(() -> load("store:\n  highWatermark: 1.5\n"))
        .hasMessageStartingWith(tmp.resolve("agent.yaml") + ": ");
  }

  @Test
  void listenWithoutPort_isRejected() {
    assertThatThrownBy(() -> load("mirror:\n  listen: nohost\n"))
        .hasMessageEndingWith("mirror.listen: \"nohost\" (expected: HOST:PORT)");
  }

  @Test
  void wrongTypes_areRejectedWithTheExpectedForm() {
    assertThatThrownBy(() -> load("store:\n  evictionInterval: 30\n"))
        .hasMessageContaining("store.evictionInterval: 30 (expected: a duration such as 30s");
    assertThatThrownBy(() -> load("store:\n  verifyOnOpen: maybe\n"))
        .hasMessageContaining("store.verifyOnOpen: \"maybe\" (expected: true or false)");
    assertThatThrownBy(() -> load("store:\n  cacheEntries: lots\n"))
        .hasMessageContaining("store.cacheEntries: \"lots\" (expected: a whole number)");
    assertThatThrownBy(() -> load("store: 5\n"))
        .hasMessageContaining("store: 5 (expected: a mapping of keys to values)");
    assertThatThrownBy(() -> load("mirror:\n  upstream:\n"))
        .hasMessageContaining("mirror.upstream: null (expected: an http:// or https:// URL)");
  }

  @Test
  void relativeDataDir_isRejected() {
    assertThatThrownBy(() -> load("dataDir: data\n"))
        .hasMessageEndingWith("dataDir: \"data\" (expected: an absolute path)");
  }

  @Test
  void duplicateKeysAndBadSyntax_areRejectedWithTheLine() {
    assertThatThrownBy(() -> load("store:\n  maxBytes: 1\n  maxBytes: 2\n"))
        .hasMessageContaining("not valid YAML: line 3")
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> load("mirror: [\n")).hasMessageContaining("not valid YAML: line 2");
  }

  @Test
  void mirrorKeys_upstreamsWithCredentials_dockerConfigAndTtls() throws Exception {
    AgentConfig config =
        load(
            String.join(
                "\n",
                "mirror:",
                "  upstream: http://127.0.0.1:5000",
                "  upstreams:",
                "    docker.io:",
                "      url: https://registry-1.docker.io/",
                "    registry.example.com:5000:",
                "      url: https://registry.example.com:5000",
                "      username: puller",
                "      passwordFile: /etc/shoal/example.password",
                "  dockerConfig: /root/.docker/config.json",
                "  tagTtl: 10s",
                "  authTtl: 2m",
                "  authStale: 1h30m",
                ""));
    MirrorConfig mirror = config.mirror();
    assertThat(mirror.upstreams())
        .containsExactly(
            new UpstreamConfig(
                "docker.io",
                URI.create("https://registry-1.docker.io"),
                Optional.empty(),
                Optional.empty()),
            new UpstreamConfig(
                "registry.example.com:5000",
                URI.create("https://registry.example.com:5000"),
                Optional.of("puller"),
                Optional.of(Path.of("/etc/shoal/example.password"))));
    assertThat(mirror.dockerConfig()).contains(Path.of("/root/.docker/config.json"));
    assertThat(mirror.tagTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(mirror.authTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(mirror.authStale()).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void mirrorKeys_defaultWhenAbsent() throws Exception {
    MirrorConfig mirror = load("mirror:\n  listen: 127.0.0.1:5050\n").mirror();
    assertThat(mirror.upstreams()).isEmpty();
    assertThat(mirror.dockerConfig()).isEmpty();
    assertThat(mirror.tagTtl()).isEqualTo(MirrorConfig.DEFAULT_TAG_TTL);
    assertThat(mirror.authTtl()).isEqualTo(MirrorConfig.DEFAULT_AUTH_TTL);
    assertThat(mirror.authStale()).isEqualTo(MirrorConfig.DEFAULT_AUTH_STALE);
  }

  @Test
  void badUpstreams_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("mirror:\n  upstreams:\n    ghcr.io:\n      username: u\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "mirror.upstreams.ghcr.io.url: missing (expected: an http:// or https:// URL)");
    assertThatThrownBy(
            () -> load("mirror:\n  upstreams:\n    ghcr.io:\n      url: ftp://ghcr.io\n"))
        .hasMessageContaining("mirror.upstreams.ghcr.io.url: \"ftp://ghcr.io\" (expected: ");
    assertThatThrownBy(
            () ->
                load(
                    "mirror:\n  upstreams:\n    ghcr.io:\n      url: https://ghcr.io\n"
                        + "      username: u\n"))
        .hasMessageEndingWith(
            "mirror.upstreams.ghcr.io: username and passwordFile go together (set both, or"
                + " neither)");
    assertThatThrownBy(
            () ->
                load(
                    "mirror:\n  upstreams:\n    ghcr.io:\n      url: https://ghcr.io\n"
                        + "      username: u\n      passwordFile: secrets/pw\n"))
        .hasMessageEndingWith(
            "mirror.upstreams.ghcr.io.passwordFile: \"secrets/pw\" (expected: an absolute path)");
    assertThatThrownBy(
            () ->
                load(
                    "mirror:\n  upstreams:\n    ghcr.io:\n      url: https://ghcr.io\n      pw: x\n"))
        .hasMessageContaining("mirror.upstreams.ghcr.io.pw: unknown key (expected one of: ")
        .hasMessageContaining("passwordFile, url, username");
    assertThatThrownBy(() -> load("mirror:\n  upstreams:\n    - https://ghcr.io\n"))
        .hasMessageEndingWith("mirror.upstreams: a list (expected: a mapping of keys to values)");
    assertThatThrownBy(() -> load("mirror:\n  upstreams:\n    ghcr.io: https://ghcr.io\n"))
        .hasMessageEndingWith(
            "mirror.upstreams.ghcr.io: \"https://ghcr.io\" (expected: a mapping of keys to values)");
  }

  @Test
  void upstreamNamedByUrlInsteadOfHost_isRefused() {
    assertThatThrownBy(
            () ->
                load(
                    "mirror:\n  upstreams:\n    \"https://ghcr.io\":\n"
                        + "      url: https://ghcr.io\n"))
        .hasMessageEndingWith(
            "mirror.upstreams: \"https://ghcr.io\" (expected: registry hosts as keys, such as"
                + " docker.io or registry.example.com:5000)");
  }

  @Test
  void badMirrorDurationsAndPaths_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("mirror:\n  tagTtl: 30\n"))
        .hasMessageContaining("mirror.tagTtl: 30 (expected: a duration such as 30s");
    assertThatThrownBy(() -> load("mirror:\n  authTtl: soon\n"))
        .hasMessageContaining("mirror.authTtl: \"soon\" (expected: a duration");
    assertThatThrownBy(() -> load("mirror:\n  authTtl: 10m\n  authStale: 5m\n"))
        .hasMessageEndingWith("mirror.authStale: PT5M (expected: at least authTtl (PT10M))");
    assertThatThrownBy(() -> load("mirror:\n  authStale: 30s\n"))
        .as("below the default authTtl")
        .hasMessageContaining("mirror.authStale: ");
    assertThatThrownBy(() -> load("mirror:\n  dockerConfig: config.json\n"))
        .hasMessageEndingWith("mirror.dockerConfig: \"config.json\" (expected: an absolute path)");
  }

  @Test
  void missingFile_saysSo() {
    assertThatThrownBy(() -> AgentConfigLoader.load(tmp.resolve("nope.yaml"), defaultData))
        .hasMessageContaining("nope.yaml: no such file");
  }

  @Test
  void peerSection_setsTheSwarm() throws Exception {
    PeerConfig peer =
        load("peer:\n"
                + "  listen: 127.0.0.1:5052\n"
                + "  peers: 127.0.0.1:5053, 127.0.0.1:5054\n"
                + "  peersDns: agents.example:5052\n"
                + "  refresh: 30s\n"
                + "  stall: 5s\n"
                + "  zone: eu-west-1a\n"
                + "  region: eu-west-1\n")
            .peer();
    assertThat(peer.listen()).contains(new HostPort("127.0.0.1", 5052));
    assertThat(peer.peers())
        .containsExactly(new HostPort("127.0.0.1", 5053), new HostPort("127.0.0.1", 5054));
    assertThat(peer.peersDns()).contains("agents.example:5052");
    assertThat(peer.refresh()).isEqualTo(Duration.ofSeconds(30));
    assertThat(peer.stall()).isEqualTo(Duration.ofSeconds(5));
    assertThat(peer.zone()).isEqualTo("eu-west-1a");
    assertThat(peer.region()).isEqualTo("eu-west-1");
  }

  @Test
  void peerSection_badValues_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("peer:\n  refresh: 100ms\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peer.refresh");
    assertThatThrownBy(() -> load("peer:\n  peers: 127.0.0.1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peer.peers");
  }

  @Test
  void peerSection_tlsPlaintextAndHealthInterval() throws Exception {
    PeerConfig peer =
        load("peer:\n"
                + "  listen: 0.0.0.0:5052\n"
                + "  healthInterval: 500ms\n"
                + "  tls:\n"
                + "    ca: /etc/shoal/tls/ca.crt\n"
                + "    cert: /etc/shoal/tls/tls.crt\n"
                + "    key: /etc/shoal/tls/tls.key\n")
            .peer();
    assertThat(peer.tls())
        .contains(
            new PeerTlsConfig(
                Path.of("/etc/shoal/tls/ca.crt"),
                Path.of("/etc/shoal/tls/tls.crt"),
                Path.of("/etc/shoal/tls/tls.key")));
    assertThat(peer.plaintext()).isFalse();
    assertThat(peer.healthInterval()).isEqualTo(Duration.ofMillis(500));
    peer.checkSecurity();

    PeerConfig lab = load("peer:\n  listen: 0.0.0.0:5052\n  plaintext: true\n").peer();
    assertThat(lab.plaintext()).isTrue();
    assertThat(lab.tls()).isEmpty();
    lab.checkSecurity();
  }

  @Test
  void peerSection_badTlsSettings_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("peer:\n  tls:\n    ca: /ca.crt\n    cert: /tls.crt\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "peer.tls.key: missing (expected: ca, cert and key together, absolute PEM paths)");
    assertThatThrownBy(
            () -> load("peer:\n  tls:\n    ca: ca.crt\n    cert: /tls.crt\n    key: /tls.key\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peer.tls.ca");
    assertThatThrownBy(
            () ->
                load(
                    "peer:\n  plaintext: true\n  tls:\n    ca: /ca.crt\n    cert: /tls.crt\n"
                        + "    key: /tls.key\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("peer.plaintext: true with peer.tls set (expected: one of them)");
    assertThatThrownBy(() -> load("peer:\n  healthInterval: 10ms\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peer.healthInterval")
        .hasMessageContaining(">= 100ms");
    assertThatThrownBy(() -> load("peer:\n  tls:\n    certificate: /tls.crt\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peer.tls.certificate: unknown key");
  }

  @Test
  void aSwarmWithNeitherTlsNorPlaintext_isRefusedSayingWhatToSet() throws Exception {
    PeerConfig peer = load("peer:\n  listen: 0.0.0.0:5052\n").peer();
    assertThatThrownBy(peer::checkSecurity)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "peer: the peer port needs mTLS: set peer.tls (ca, cert, key) or --peer-ca,"
                + " --peer-cert, --peer-key (see deploy/tls/README.md), or peer.plaintext: true /"
                + " --peer-plaintext for a lab");
    // No swarm at all (the defaults): nothing to secure.
    AgentConfig.defaults(defaultData).peer().checkSecurity();
  }
}
