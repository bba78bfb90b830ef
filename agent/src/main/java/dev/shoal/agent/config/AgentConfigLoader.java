package dev.shoal.agent.config;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.ConfigValues;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.config.StoreSection;
import dev.shoal.core.config.YamlSection;
import dev.shoal.core.store.StoreConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the agent's YAML config file ({@code --config}) into an {@link AgentConfig}. Every key is
 * optional and falls back to its default; unknown keys and bad values are refused with a message
 * that names the file and the key.
 */
public final class AgentConfigLoader {
  private static final Set<String> TOP_KEYS =
      Set.of("dataDir", StoreSection.NAME, "mirror", "control", "peer");
  private static final Set<String> PEER_KEYS =
      Set.of(
          "listen",
          "peers",
          "peersFile",
          "peersDns",
          "refresh",
          "stall",
          "zone",
          "region",
          "uploadLimit",
          "downloadLimit",
          "tls",
          "plaintext",
          "healthInterval");
  private static final Set<String> TLS_KEYS = Set.of("ca", "cert", "key");
  private static final Set<String> MIRROR_KEYS =
      Set.of("listen", "upstream", "upstreams", "dockerConfig", "tagTtl", "authTtl", "authStale");
  private static final Set<String> UPSTREAM_KEYS = Set.of("url", "username", "passwordFile");
  private static final Set<String> CONTROL_KEYS = Set.of("listen");

  /**
   * A registry as images name it and containerd sends it in {@code ?ns=}: {@code host[:port]}, with
   * an IPv6 host in brackets. Anything else (a URL, a path) would never match a request.
   */
  private static final Pattern REGISTRY_HOST =
      Pattern.compile(
          "([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");

  private AgentConfigLoader() {}

  /**
   * Loads {@code file}; {@code defaultDataDir} applies when the file sets no {@code dataDir}.
   *
   * @throws ConfigException naming the file and the first bad key
   */
  public static AgentConfig load(Path file, Path defaultDataDir) throws ConfigException {
    try {
      YamlSection root = YamlSection.read(file, TOP_KEYS);
      Path dataDir = root.absolutePath("dataDir").orElse(defaultDataDir);
      StoreConfig store =
          StoreSection.read(root.section(StoreSection.NAME, StoreSection.KEYS), dataDir);
      return new AgentConfig(
          store,
          mirror(root.section("mirror", MIRROR_KEYS)),
          new ControlConfig(
              root.section("control", CONTROL_KEYS)
                  .hostPort("listen")
                  .orElse(ControlConfig.DEFAULT_LISTEN)),
          peer(root.section("peer", PEER_KEYS)));
    } catch (ConfigException e) {
      throw e.inFile(file);
    }
  }

  private static PeerConfig peer(YamlSection peer) throws ConfigException {
    List<HostPort> members = new ArrayList<>();
    Optional<String> list = peer.text("peers", "HOST:PORT,HOST:PORT,…");
    if (list.isPresent()) {
      members = HostPort.parseList(peer.name("peers"), list.get());
    }
    Duration refresh = peer.duration("refresh").orElse(PeerConfig.DEFAULT_REFRESH);
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      throw ConfigException.invalid(peer.name("refresh"), refresh.toString(), ">= 1s");
    }
    Duration stall = peer.duration("stall").orElse(PeerConfig.DEFAULT_STALL);
    if (stall.isZero()) {
      throw ConfigException.invalid(peer.name("stall"), stall.toString(), "> 0");
    }
    Duration health = peer.duration("healthInterval").orElse(PeerConfig.DEFAULT_HEALTH_INTERVAL);
    if (health.compareTo(PeerConfig.MIN_HEALTH_INTERVAL) < 0) {
      throw ConfigException.invalid(peer.name("healthInterval"), health.toString(), ">= 100ms");
    }
    Optional<PeerTlsConfig> tls = tls(peer.section("tls", TLS_KEYS));
    boolean plaintext = peer.bool("plaintext").orElse(false);
    if (plaintext && tls.isPresent()) {
      throw new ConfigException(
          peer.name("plaintext")
              + ": true with "
              + peer.name("tls")
              + " set (expected: one of them)");
    }
    return new PeerConfig(
        peer.hostPort("listen"),
        members,
        peer.absolutePath("peersFile"),
        peer.text("peersDns", "NAME:PORT or an SRV name"),
        refresh,
        stall,
        peer.text("zone", "a label such as eu-west-1a").orElse(""),
        peer.text("region", "a label such as eu-west-1").orElse(""),
        peer.size("uploadLimit").orElse(0L),
        peer.size("downloadLimit").orElse(0L),
        tls,
        plaintext,
        health);
  }

  /** All three files, or none (an empty section). */
  private static Optional<PeerTlsConfig> tls(YamlSection tls) throws ConfigException {
    Optional<Path> ca = tls.absolutePath("ca");
    Optional<Path> cert = tls.absolutePath("cert");
    Optional<Path> key = tls.absolutePath("key");
    if (ca.isEmpty() && cert.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    for (String k : List.of("ca", "cert", "key")) {
      if (tls.absolutePath(k).isEmpty()) {
        throw new ConfigException(
            tls.name(k) + ": missing (expected: ca, cert and key together, absolute PEM paths)");
      }
    }
    return Optional.of(new PeerTlsConfig(ca.get(), cert.get(), key.get()));
  }

  private static MirrorConfig mirror(YamlSection mirror) throws ConfigException {
    MirrorConfig defaults = MirrorConfig.defaults();
    List<UpstreamConfig> upstreams = new ArrayList<>();
    YamlSection named = mirror.namedSections("upstreams");
    for (String name : named.keys()) {
      if (!REGISTRY_HOST.matcher(name).matches()) {
        throw ConfigException.invalid(
            mirror.name("upstreams"),
            ConfigValues.quote(name),
            "registry hosts as keys, such as docker.io or registry.example.com:5000");
      }
      YamlSection u = named.section(name, UPSTREAM_KEYS);
      URI url =
          u.httpUrl("url")
              .orElseThrow(
                  () ->
                      new ConfigException(
                          u.name("url") + ": missing (expected: " + ConfigValues.HTTP_URL + ")"));
      Optional<String> username = u.text("username", "a user name");
      Optional<Path> passwordFile = u.absolutePath("passwordFile");
      if (username.isPresent() != passwordFile.isPresent()) {
        throw new ConfigException(
            named.name(name) + ": username and passwordFile go together (set both, or neither)");
      }
      upstreams.add(new UpstreamConfig(name, url, username, passwordFile));
    }
    Duration authTtl = mirror.duration("authTtl").orElse(defaults.authTtl());
    Duration authStale = mirror.duration("authStale").orElse(defaults.authStale());
    if (authStale.compareTo(authTtl) < 0) {
      throw ConfigException.invalid(
          mirror.name("authStale"), authStale.toString(), "at least authTtl (" + authTtl + ")");
    }
    return new MirrorConfig(
        mirror.hostPort("listen").orElse(defaults.listen()),
        mirror.httpUrl("upstream").orElse(defaults.upstream()),
        upstreams,
        mirror.absolutePath("dockerConfig"),
        mirror.duration("tagTtl").orElse(defaults.tagTtl()),
        authTtl,
        authStale);
  }
}
