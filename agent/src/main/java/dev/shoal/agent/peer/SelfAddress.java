package dev.shoal.agent.peer;

import dev.shoal.core.config.HostPort;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;

/**
 * Which entry of the member list is this agent: the one the others know it by, so that every agent
 * ranks the same addresses when it picks a blob's home. A peer port bound to a wildcard address
 * ({@code 0.0.0.0:5052}) is found in the list by its port and an address of this host.
 */
final class SelfAddress {
  private SelfAddress() {}

  static HostPort find(HostPort bound, List<HostPort> members) {
    if (members.contains(bound)) {
      return bound;
    }
    for (HostPort m : members) {
      if (m.port() == bound.port() && isLocal(m.host())) {
        return m;
      }
    }
    return bound;
  }

  private static boolean isLocal(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
        return true;
      }
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (Collections.list(nic.getInetAddresses()).contains(address)) {
          return true;
        }
      }
      return false;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }
}
