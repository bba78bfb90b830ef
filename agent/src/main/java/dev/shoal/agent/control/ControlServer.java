package dev.shoal.agent.control;

import dev.shoal.core.config.HostPort;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC server of the agent's control API, on a loopback address. */
public final class ControlServer implements AutoCloseable {
  private final Server server;
  private final HostPort address;

  private ControlServer(Server server, HostPort address) {
    this.server = server;
    this.address = address;
  }

  /**
   * Starts serving {@code service} on {@code listen}; port 0 picks a free port.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public static ControlServer start(HostPort listen, BindableService service) throws IOException {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()))
            .addService(service)
            .maxInboundMessageSize(1 << 20)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException(
          "control.listen: cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
    return new ControlServer(server, new HostPort(listen.host(), bound.getPort()));
  }

  /** Where it listens, with the bound port. */
  public HostPort address() {
    return address;
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
