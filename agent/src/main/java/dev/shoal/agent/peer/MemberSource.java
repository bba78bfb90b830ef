package dev.shoal.agent.peer;

import dev.shoal.agent.config.PeerConfig;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Where the swarm's member list comes from, read again on every {@link #resolve}: the static list
 * ({@code --peers}), a file of {@code HOST:PORT} lines ({@code --peers-file}, for a config
 * management tool to rewrite), and DNS ({@code --peers-dns}): {@code NAME:PORT} for the A/AAAA
 * records of a name (a Kubernetes headless Service), or an SRV name such as {@code
 * _peer._tcp.shoal-agents.shoal.svc.cluster.local} whose records carry the ports.
 */
public final class MemberSource {
  private final PeerConfig config;

  public MemberSource(PeerConfig config) {
    this.config = config;
  }

  /** Whether the list can change (a file or DNS), so it is worth reading again. */
  public boolean dynamic() {
    return config.peersFile().isPresent() || config.peersDns().isPresent();
  }

  /**
   * Every member now, in a stable order, without duplicates.
   *
   * @throws IOException when the file cannot be read or DNS does not answer; the caller keeps the
   *     list it had
   */
  public List<HostPort> resolve() throws IOException {
    Set<HostPort> out = new LinkedHashSet<>(config.peers());
    if (config.peersFile().isPresent()) {
      out.addAll(readFile());
    }
    if (config.peersDns().isPresent()) {
      String name = config.peersDns().get();
      out.addAll(name.startsWith("_") ? srv(name) : addresses(name));
    }
    List<HostPort> sorted = new ArrayList<>(out);
    sorted.sort((a, b) -> a.toString().compareTo(b.toString()));
    return sorted;
  }

  private List<HostPort> readFile() throws IOException {
    List<HostPort> out = new ArrayList<>();
    String key = "peer.peersFile " + config.peersFile().get();
    for (String line : Files.readAllLines(config.peersFile().get())) {
      String l = line.strip();
      int hash = l.indexOf('#');
      if (hash >= 0) {
        l = l.substring(0, hash).strip();
      }
      if (!l.isEmpty()) {
        try {
          out.addAll(HostPort.parseList(key, l));
        } catch (ConfigException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
    }
    return out;
  }

  private static List<HostPort> addresses(String nameAndPort) throws IOException {
    HostPort hp;
    try {
      hp = HostPort.parse("peer.peersDns", nameAndPort);
    } catch (ConfigException e) {
      throw new IOException(e.getMessage(), e);
    }
    List<HostPort> out = new ArrayList<>();
    for (InetAddress a : InetAddress.getAllByName(hp.host())) {
      out.add(new HostPort(a.getHostAddress(), hp.port()));
    }
    return out;
  }

  private static List<HostPort> srv(String name) throws IOException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
    List<HostPort> out = new ArrayList<>();
    try {
      DirContext dns = new InitialDirContext(env);
      try {
        Attribute records = dns.getAttributes(name, new String[] {"SRV"}).get("SRV");
        if (records == null) {
          return out;
        }
        NamingEnumeration<?> all = records.getAll();
        while (all.hasMore()) {
          // "priority weight port target."
          String[] parts = all.next().toString().trim().split("\\s+");
          if (parts.length == 4) {
            String target =
                parts[3].endsWith(".") ? parts[3].substring(0, parts[3].length() - 1) : parts[3];
            out.add(new HostPort(target, Integer.parseInt(parts[2])));
          }
        }
      } finally {
        dns.close();
      }
    } catch (NamingException | NumberFormatException e) {
      throw new IOException("SRV lookup of " + name + ": " + e.getMessage(), e);
    }
    return out;
  }
}
