package dev.shoal.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for a server that a test starts later, typically in another process that must know
 * every member's port before any of them listens.
 *
 * <p>A port from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, the same
 * range every outgoing connection takes its local port from: between closing the probe socket and
 * the server binding, a peer dialling out (or any {@code :0} listener) can be given that very port,
 * and the server then dies with "address in use". These ports are drawn below the ephemeral range,
 * which the kernel never hands out by itself, and each is checked to be bindable on loopback.
 */
public final class FreePorts {
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int SPAN = 10_000;
  private static final int TRIES = 200;

  private FreePorts() {}

  /** {@code n} distinct loopback ports nobody listens on, outside the ephemeral range. */
  public static List<Integer> take(int n) throws IOException {
    int high = ephemeralLow();
    int low = Math.max(1024, high - SPAN);
    Set<Integer> seen = new HashSet<>();
    List<Integer> out = new ArrayList<>();
    for (int attempt = 0; out.size() < n; attempt++) {
      if (attempt >= TRIES) {
        throw new IOException("no " + n + " free loopback ports in " + low + "-" + (high - 1));
      }
      int port = ThreadLocalRandom.current().nextInt(low, high);
      if (seen.add(port) && bindable(port)) {
        out.add(port);
      }
    }
    return out;
  }

  /** One port as {@link #take} gives it: free now, and not given to anyone else by the kernel. */
  public static int one() throws IOException {
    return take(1).get(0);
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralLow() {
    try {
      // Read by lines: Files.readString trusts the size /proc reports and returns a prefix.
      String[] range = Files.readAllLines(RANGE).get(0).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return 32768; // Linux's default when the file cannot be read
    }
  }
}
