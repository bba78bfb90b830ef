package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.config.AgentConfig;
import dev.shoal.agent.config.AgentConfigLoader;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.config.PeerConfig;
import dev.shoal.agent.config.PeerTlsConfig;
import dev.shoal.core.cli.ConfigLayers;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.cli.ServerOptions;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.ConfigValues;
import dev.shoal.core.config.Environment;
import dev.shoal.core.config.HostPort;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shoal agent}: runs the node agent in the foreground until SIGTERM or Ctrl-C. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Run the node agent: the registry mirror this host's container runtime pulls from.",
      "Settings come from defaults, then --config FILE (see deploy/agent.yaml), then flags."
    })
public final class AgentCommand implements Callable<Integer> {
  private static final ConfigLayers<AgentConfig> LAYERS =
      new ConfigLayers<>(
          "agent",
          AgentConfig::defaults,
          AgentConfigLoader::load,
          AgentConfig::withDataDir,
          (config, listen) -> config.withMirror(config.mirror().withListen(listen)));

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address of the mirror's HTTP server (default: 127.0.0.1:5050).")
  String listen;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data directory (default: /var/lib/shoal/agent as root, "
              + "else $XDG_DATA_HOME/shoal/agent).")
  Path data;

  @Option(
      names = "--control-listen",
      paramLabel = "HOST:PORT",
      description =
          "Address of the control API the shoal CLI talks to (default: 127.0.0.1:5051)."
              + " Keep it on loopback: it can evict and pin blobs.")
  String controlListen;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "Registry the mirror pulls from (default: http://127.0.0.1:5000).")
  String upstream;

  @Option(
      names = "--peer-listen",
      paramLabel = "HOST:PORT",
      description =
          "Address of the peer port other agents fetch blobs from (default: none, no swarm).")
  String peerListen;

  @Option(
      names = "--peers",
      paramLabel = "HOST:PORT,…",
      description =
          "The other agents' peer ports, asked for blobs before the upstream (this agent's own"
              + " may be listed too).")
  String peers;

  @Option(
      names = "--peers-file",
      paramLabel = "FILE",
      description = "A file of peer addresses (HOST:PORT per line), read again every 10 s.")
  Path peersFile;

  @Option(
      names = "--peers-dns",
      paramLabel = "NAME",
      description =
          "DNS name listing the peers: NAME:PORT for its A/AAAA records (a headless Service),"
              + " or an SRV name (_peer._tcp.…) whose records carry the ports.")
  String peersDns;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "This host's zone: agents read from peers in their own zone first.")
  String zone;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "This host's region: after the zone, peers in the same region come first.")
  String region;

  @Option(
      names = "--upload-limit",
      paramLabel = "SIZE",
      description = "Bytes per second sent to peers, all together, e.g. 50MB (default: no limit).")
  String uploadLimit;

  @Option(
      names = "--download-limit",
      paramLabel = "SIZE",
      description =
          "Bytes per second downloaded from peers and upstreams, all together, e.g. 100MB"
              + " (default: no limit).")
  String downloadLimit;

  @Option(
      names = "--peer-ca",
      paramLabel = "FILE",
      description =
          "The fleet CA (PEM) that signs every agent's peer certificate; with --peer-cert and"
              + " --peer-key: mTLS on the peer port (see deploy/tls/README.md).")
  Path peerCa;

  @Option(
      names = "--peer-cert",
      paramLabel = "FILE",
      description = "This agent's peer certificate (PEM), signed by the fleet CA.")
  Path peerCert;

  @Option(
      names = "--peer-key",
      paramLabel = "FILE",
      description = "This agent's peer private key (PEM, PKCS#8).")
  Path peerKey;

  @Option(
      names = "--peer-plaintext",
      description =
          "Lab setting: the peer port without TLS, open to anyone who can reach it"
              + " (default: mTLS is required).")
  boolean peerPlaintext;

  @Mixin ServerOptions server;

  private final Environment env;

  AgentCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  /** Defaults, overridden by the config file, overridden by flags. */
  AgentConfig resolveConfig() throws ConfigException {
    AgentConfig resolved = server.resolve(LAYERS, env, data, listen);
    if (controlListen != null) {
      resolved =
          resolved.withControl(
              new ControlConfig(HostPort.parse("--control-listen", controlListen)));
    }
    if (peerListen != null) {
      resolved =
          resolved.withPeer(
              resolved.peer().withListen(HostPort.parse("--peer-listen", peerListen)));
    }
    if (peers != null) {
      resolved = resolved.withPeer(resolved.peer().withPeers(HostPort.parseList("--peers", peers)));
    }
    if (zone != null || region != null) {
      PeerConfig p = resolved.peer();
      resolved =
          resolved.withPeer(
              p.withLocation(zone != null ? zone : p.zone(), region != null ? region : p.region()));
    }
    if (uploadLimit != null || downloadLimit != null) {
      PeerConfig p = resolved.peer();
      resolved =
          resolved.withPeer(
              p.withLimits(
                  uploadLimit != null
                      ? ConfigValues.parseSize("--upload-limit", uploadLimit)
                      : p.uploadLimit(),
                  downloadLimit != null
                      ? ConfigValues.parseSize("--download-limit", downloadLimit)
                      : p.downloadLimit()));
    }
    if (peersFile != null) {
      resolved = resolved.withPeer(resolved.peer().withPeersFile(peersFile.toAbsolutePath()));
    }
    if (peersDns != null) {
      resolved = resolved.withPeer(resolved.peer().withPeersDns(peersDns));
    }
    if (peerCa != null || peerCert != null || peerKey != null) {
      if (peerCa == null || peerCert == null || peerKey == null) {
        throw new ConfigException(
            "--peer-ca, --peer-cert and --peer-key go together (set all three, or none)");
      }
      resolved =
          resolved.withPeer(
              resolved
                  .peer()
                  .withTls(
                      new PeerTlsConfig(
                          peerCa.toAbsolutePath(),
                          peerCert.toAbsolutePath(),
                          peerKey.toAbsolutePath())));
    }
    if (peerPlaintext) {
      resolved = resolved.withPeer(resolved.peer().withPlaintext(true));
    }
    if (upstream != null) {
      resolved =
          resolved.withMirror(
              resolved.mirror().withUpstream(ConfigValues.parseHttpUrl("--upstream", upstream)));
    }
    resolved.peer().checkSecurity();
    return resolved;
  }

  @Override
  public Integer call() throws Exception {
    AgentConfig resolved = resolveConfig();
    return server.runInForeground(
        () -> AgentMain.start(resolved, Clock.systemUTC()),
        agent ->
            "shoal agent listening on "
                + agent.uri()
                + " (control "
                + agent.controlAddress()
                + agent.peerAddress().map(p -> ", peer " + p).orElse("")
                + ", data "
                + agent.dataDir()
                + ")");
  }
}
